//! Team members: SearchTeamMembers (location/status/is_owner filters, limit 1..200,
//! default 100) and RetrieveTeamMember.

use super::{AppState, json, parse_body};
use crate::errors::{ApiError, ApiResult};
use crate::model::TeamMember;
use crate::pagination::{self, hash_body, scan, strict_limit};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

const SCOPE: &[&str] = &["EMPLOYEES_READ"];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v2/team-members/search", post(search))
        .route("/v2/team-members/{id}", get(retrieve))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Filter {
    location_ids: Vec<String>,
    status: Option<String>,
    is_owner: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Query_ {
    filter: Option<Filter>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SearchBody {
    query: Option<Query_>,
    limit: Option<i64>,
    cursor: Option<String>,
}

async fn search(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    st.authorize(&headers, SCOPE)?;
    let (b, raw): (SearchBody, _) = parse_body(&body)?;
    let limit = strict_limit(b.limit, 100, 1, 200)?;
    let hash = hash_body(&raw);
    let start = b
        .cursor
        .as_deref()
        .map(|c| pagination::decode(c, hash))
        .transpose()?;
    let f = b.query.and_then(|q| q.filter).unwrap_or_default();
    if let Some(s) = f.status.as_deref()
        && s != "ACTIVE"
        && s != "INACTIVE"
    {
        return Err(ApiError::invalid(
            "INVALID_ENUM_VALUE",
            format!("`{s}` is not a team member status."),
        )
        .field("query.filter.status"));
    }
    let d = st.data();
    let page = scan(0..d.team.len(), false, start, limit, |i| {
        let t = &d.team[i];
        (f.location_ids.is_empty()
            || t.assigned_locations
                .location_ids
                .iter()
                .any(|l| f.location_ids.contains(l)))
            && f.status.as_deref().is_none_or(|s| t.status == s)
            && f.is_owner.is_none_or(|o| t.is_owner == o)
    })?;
    #[derive(Serialize)]
    struct R<'a> {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        team_members: Vec<&'a TeamMember>,
        #[serde(skip_serializing_if = "Option::is_none")]
        cursor: Option<String>,
    }
    Ok(json(&R {
        team_members: page.items.iter().map(|&i| &d.team[i]).collect(),
        cursor: page.next.map(|i| pagination::encode(i, hash)),
    }))
}

async fn retrieve(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    st.authorize(&headers, SCOPE)?;
    let d = st.data();
    let team_member = d
        .team
        .iter()
        .find(|t| t.id == id)
        .ok_or_else(|| ApiError::not_found(format!("Team member {id} not found.")))?;
    #[derive(Serialize)]
    struct R<'a> {
        team_member: &'a TeamMember,
    }
    Ok(json(&R { team_member }))
}
