//! The one-shot loopback listener of RFC 8252 §7.3: bound to 127.0.0.1 (an ephemeral port
//! by default, or a fixed one when the registered redirect URL must match exactly), it waits
//! for the browser's redirect to `/callback`, checks `state`, shows the user a short page
//! saying what happened, and closes. Other paths (a browser asking for `/favicon.ico`) get
//! a 404 and the listener keeps waiting.

use super::error::OAuthError;
use crate::client::Clock;
use oauth2::url::form_urlencoded;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Path of the redirect URL.
pub const CALLBACK_PATH: &str = "/callback";

/// Largest request head read from the browser.
const MAX_HEAD: usize = 16 * 1024;

/// A listener waiting for one authorization redirect.
#[derive(Debug)]
pub struct LoopbackListener {
    listener: TcpListener,
    port: u16,
}

/// What the browser brought back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    pub code: String,
}

impl LoopbackListener {
    /// Binds 127.0.0.1 on `port` (`None`: an ephemeral port).
    pub async fn bind(port: Option<u16>) -> Result<Self, OAuthError> {
        let listener = TcpListener::bind(("127.0.0.1", port.unwrap_or(0)))
            .await
            .map_err(|e| OAuthError::Listener {
                detail: e.to_string(),
            })?;
        let port = listener
            .local_addr()
            .map_err(|e| OAuthError::Listener {
                detail: e.to_string(),
            })?
            .port();
        Ok(LoopbackListener { listener, port })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:<port>/callback`.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}{CALLBACK_PATH}", self.port)
    }

    /// Waits up to `timeout` (on `clock`) for the redirect carrying `expected_state`.
    pub async fn wait(
        self,
        expected_state: &str,
        timeout: Duration,
        clock: &dyn Clock,
    ) -> Result<Callback, OAuthError> {
        let deadline = clock.now() + timeout;
        loop {
            let accepted = tokio::select! {
                accepted = self.listener.accept() => accepted,
                () = clock.sleep_until(deadline) => {
                    return Err(OAuthError::TimedOut { waited: timeout });
                }
            };
            let Ok((stream, _)) = accepted else { continue };
            let handled = tokio::select! {
                handled = handle(stream, expected_state) => handled,
                () = clock.sleep_until(deadline) => {
                    return Err(OAuthError::TimedOut { waited: timeout });
                }
            };
            if let Some(result) = handled {
                return result;
            }
        }
    }
}

/// Serves one connection. `None`: not the callback (keep waiting).
async fn handle(
    mut stream: TcpStream,
    expected_state: &str,
) -> Option<Result<Callback, OAuthError>> {
    let Some(target) = read_target(&mut stream).await else {
        respond(&mut stream, 400, "Bad request", PAGE_BAD_REQUEST).await;
        return None;
    };
    let (path, query) = target.split_once('?').unwrap_or((target.as_str(), ""));
    if path != CALLBACK_PATH {
        respond(&mut stream, 404, "Not Found", PAGE_NOT_FOUND).await;
        return None;
    }
    let result = interpret(query, expected_state);
    match &result {
        Ok(_) => respond(&mut stream, 200, "OK", &page(true, SUCCESS_TEXT)).await,
        Err(e) => {
            let text = match e {
                OAuthError::UserDenied { .. } => DENIED_TEXT,
                OAuthError::StateMismatch => MISMATCH_TEXT,
                _ => FAILURE_TEXT,
            };
            respond(&mut stream, 400, "Bad Request", &page(false, text)).await;
        }
    }
    Some(result)
}

/// The redirect's query → the code, or why there is none.
pub fn interpret(query: &str, expected_state: &str) -> Result<Callback, OAuthError> {
    let mut code = None;
    let mut state = None;
    let mut error = None;
    let mut description = None;
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "code" => code = Some(value.into_owned()),
            "state" => state = Some(value.into_owned()),
            "error" => error = Some(value.into_owned()),
            "error_description" => description = Some(value.into_owned()),
            _ => {}
        }
    }
    if state.as_deref() != Some(expected_state) {
        return Err(OAuthError::StateMismatch);
    }
    match (error, code) {
        (Some(error), _) if error == "access_denied" => Err(OAuthError::UserDenied { description }),
        (Some(error), _) => Err(OAuthError::AuthorizationFailed { error, description }),
        (None, Some(code)) if !code.is_empty() => Ok(Callback { code }),
        (None, _) => Err(OAuthError::AuthorizationFailed {
            error: "missing_code".to_owned(),
            description: Some("the redirect carried neither a code nor an error".to_owned()),
        }),
    }
}

/// Reads the request head and returns the request target of a GET.
async fn read_target(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
        if head.len() > MAX_HEAD {
            return None;
        }
    }
    let text = String::from_utf8_lossy(&head);
    let mut parts = text.lines().next()?.split_whitespace();
    let method = parts.next()?;
    let target = parts.next()?;
    (method == "GET").then(|| target.to_owned())
}

async fn respond(stream: &mut TcpStream, status: u16, reason: &str, body: &str) {
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body.as_bytes()).await;
    let _ = stream.shutdown().await;
}

const SUCCESS_TEXT: &str =
    "Keeper is connected to Square. You can close this tab and go back to Keeper.";
const DENIED_TEXT: &str = "You declined the connection, so Keeper cannot read your Square data. You can close this tab and try again from Keeper whenever you like.";
const MISMATCH_TEXT: &str = "This answer does not belong to the connection Keeper started, so it was ignored for your safety. Close this tab and start Connect Square again from Keeper.";
const FAILURE_TEXT: &str = "Square did not complete the connection. Close this tab and try Connect Square again from Keeper.";
const PAGE_NOT_FOUND: &str = "<!doctype html><title>Not found</title>";
const PAGE_BAD_REQUEST: &str = "<!doctype html><title>Bad request</title>";

fn page(ok: bool, text: &str) -> String {
    let (title, color) = if ok {
        ("Connected to Square", "#1a7f37")
    } else {
        ("Not connected", "#b42318")
    };
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Keeper – {title}</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;\
         color:#222}}h1{{color:{color};font-size:1.5rem}}</style></head>\
         <body><h1>{title}</h1><p>{text}</p></body></html>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_with_matching_state_yields_the_code() {
        let got = interpret("code=sq0cgp-abc&response_type=code&state=S1", "S1").unwrap();
        assert_eq!(got.code, "sq0cgp-abc");
    }

    #[test]
    fn denial_mismatch_and_missing_code_are_typed() {
        let denied = interpret(
            "error=access_denied&error_description=user_denied&state=S1",
            "S1",
        );
        assert_eq!(denied.unwrap_err().code(), "user_denied");
        let forged = interpret("code=abc&state=other", "S1");
        assert_eq!(forged.unwrap_err(), OAuthError::StateMismatch);
        let no_state = interpret("code=abc", "S1");
        assert_eq!(no_state.unwrap_err(), OAuthError::StateMismatch);
        let empty = interpret("state=S1", "S1");
        assert_eq!(empty.unwrap_err().code(), "authorization_failed");
    }
}
