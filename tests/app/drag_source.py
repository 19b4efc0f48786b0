#!/usr/bin/python3
"""A small GTK window that offers one file for drag-and-drop, for the end-to-end tests.

It plays the part of a file manager: the test drags from this window onto Keeper's window
with xdotool (mousedown here, move, mouseup there) and Keeper receives Tauri's drag-drop
event with the file's path, exactly as when an owner drags a sheet from their desktop.

    /usr/bin/python3 drag_source.py FILE X Y
Debian's /usr/bin/python3 carries `gi` (python3-gi); a venv's python usually does not.
"""
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402


def main() -> None:
    path, x, y = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    uri = GLib.filename_to_uri(path, None)
    window = Gtk.Window(title="keeper-drag-source")
    window.set_default_size(160, 120)
    window.move(x, y)
    button = Gtk.Button(label="drag me")
    button.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
    button.drag_source_add_uri_targets()

    def on_get(_widget, _context, data, _info, _time):
        data.set_uris([uri])

    button.connect("drag-data-get", on_get)
    window.add(button)
    window.connect("destroy", Gtk.main_quit)
    window.show_all()
    print("ready", flush=True)
    Gtk.main()


if __name__ == "__main__":
    main()
