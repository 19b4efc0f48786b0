#!/usr/bin/python3
"""A stand-in desktop notification server for the end-to-end tests.

It owns org.freedesktop.Notifications on the test's private D-Bus session (what a desktop's
notification daemon does) and writes each notification it is asked to show to a file, one
JSON object per line, so the suite can check what Keeper notified (finished jobs, urgent
reviews) exactly as a desktop would receive it.

    /usr/bin/python3 notification_daemon.py LOG_FILE
Debian's /usr/bin/python3 carries `gi` (python3-gi); a venv's python usually does not.
"""
import json
import sys

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

XML = """
<node>
  <interface name="org.freedesktop.Notifications">
    <method name="Notify">
      <arg type="s" direction="in"/><arg type="u" direction="in"/>
      <arg type="s" direction="in"/><arg type="s" direction="in"/>
      <arg type="s" direction="in"/><arg type="as" direction="in"/>
      <arg type="a{sv}" direction="in"/><arg type="i" direction="in"/>
      <arg type="u" direction="out"/>
    </method>
    <method name="CloseNotification"><arg type="u" direction="in"/></method>
    <method name="GetCapabilities"><arg type="as" direction="out"/></method>
    <method name="GetServerInformation">
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
    </method>
    <signal name="NotificationClosed"><arg type="u"/><arg type="u"/></signal>
    <signal name="ActionInvoked"><arg type="u"/><arg type="s"/></signal>
  </interface>
</node>
"""


def main() -> None:
    log = open(sys.argv[1], "a", buffering=1, encoding="utf-8")
    counter = [0]

    def on_call(_conn, _sender, _path, _iface, method, params, invocation):
        if method == "Notify":
            app, _replaces, _icon, summary, body = params.unpack()[:5]
            counter[0] += 1
            log.write(json.dumps({"app": app, "summary": summary, "body": body}) + "\n")
            invocation.return_value(GLib.Variant("(u)", (counter[0],)))
        elif method == "GetCapabilities":
            invocation.return_value(GLib.Variant("(as)", (["body"],)))
        elif method == "GetServerInformation":
            invocation.return_value(GLib.Variant("(ssss)", ("keeper-e2e", "keeper", "1", "1.2")))
        else:
            invocation.return_value(None)

    info = Gio.DBusNodeInfo.new_for_xml(XML)

    def on_bus(conn, _name):
        conn.register_object(
            "/org/freedesktop/Notifications", info.interfaces[0], on_call, None, None
        )

    def on_name(_conn, name):
        print(f"notification daemon owns {name}", flush=True)

    Gio.bus_own_name(
        Gio.BusType.SESSION,
        "org.freedesktop.Notifications",
        Gio.BusNameOwnerFlags.NONE,
        on_bus,
        on_name,
        None,
    )
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
