#!/usr/bin/env python3
"""The window manager's side of closing a window, for the e2e tests.

Usage: wm.py DISPLAY TITLE list     -> one line per top-level window titled TITLE: "<id> mapped|unmapped"
       wm.py DISPLAY TITLE close ID -> send window ID the ICCCM WM_DELETE_WINDOW message

WM_DELETE_WINDOW in a WM_PROTOCOLS ClientMessage is exactly what a window manager sends when the
close button on the title bar is clicked (ICCCM 2.0, section 4.2.8.1); GTK turns it into
"delete-event", tao into CloseRequested. Plain libX11 through ctypes: the Rust tests forbid unsafe
code, and no extra package is needed (libX11 comes with Xvfb and WebKitGTK).
"""
import ctypes
import ctypes.util
import sys

X = ctypes.cdll.LoadLibrary(ctypes.util.find_library("X11") or "libX11.so.6")
Window = ctypes.c_ulong
Atom = ctypes.c_ulong


class XClientMessageEvent(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("window", Window),
        ("message_type", Atom),
        ("format", ctypes.c_int),
        ("data", ctypes.c_long * 5),
    ]


class XEvent(ctypes.Union):
    _fields_ = [("xclient", XClientMessageEvent), ("pad", ctypes.c_long * 24)]


class XWindowAttributes(ctypes.Structure):
    _fields_ = [
        ("x", ctypes.c_int), ("y", ctypes.c_int), ("width", ctypes.c_int), ("height", ctypes.c_int),
        ("border_width", ctypes.c_int), ("depth", ctypes.c_int), ("visual", ctypes.c_void_p),
        ("root", Window), ("class_", ctypes.c_int), ("bit_gravity", ctypes.c_int),
        ("win_gravity", ctypes.c_int), ("backing_store", ctypes.c_int),
        ("backing_planes", ctypes.c_ulong), ("backing_pixel", ctypes.c_ulong),
        ("save_under", ctypes.c_int), ("colormap", ctypes.c_ulong), ("map_installed", ctypes.c_int),
        ("map_state", ctypes.c_int), ("all_event_masks", ctypes.c_long),
        ("your_event_mask", ctypes.c_long), ("do_not_propagate_mask", ctypes.c_long),
        ("override_redirect", ctypes.c_int), ("screen", ctypes.c_void_p),
    ]


X.XOpenDisplay.restype = ctypes.c_void_p
X.XOpenDisplay.argtypes = [ctypes.c_char_p]
X.XDefaultRootWindow.restype = Window
X.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
X.XQueryTree.argtypes = [ctypes.c_void_p, Window, ctypes.POINTER(Window), ctypes.POINTER(Window),
                         ctypes.POINTER(ctypes.POINTER(Window)), ctypes.POINTER(ctypes.c_uint)]
X.XFetchName.argtypes = [ctypes.c_void_p, Window, ctypes.POINTER(ctypes.c_char_p)]
X.XGetWindowAttributes.argtypes = [ctypes.c_void_p, Window, ctypes.POINTER(XWindowAttributes)]
X.XInternAtom.restype = Atom
X.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
X.XSendEvent.argtypes = [ctypes.c_void_p, Window, ctypes.c_int, ctypes.c_long, ctypes.POINTER(XEvent)]
X.XFlush.argtypes = [ctypes.c_void_p]
X.XCloseDisplay.argtypes = [ctypes.c_void_p]
IS_VIEWABLE = 2
CLIENT_MESSAGE = 33


def windows(dpy, title):
    root, parent = Window(), Window()
    kids, n = ctypes.POINTER(Window)(), ctypes.c_uint()
    X.XQueryTree(dpy, X.XDefaultRootWindow(dpy), ctypes.byref(root), ctypes.byref(parent),
                 ctypes.byref(kids), ctypes.byref(n))
    for i in range(n.value):
        w = kids[i]
        name = ctypes.c_char_p()
        if X.XFetchName(dpy, w, ctypes.byref(name)) and name.value is not None:
            if name.value.decode("utf-8", "replace") == title:
                attrs = XWindowAttributes()
                X.XGetWindowAttributes(dpy, w, ctypes.byref(attrs))
                yield w, attrs.map_state == IS_VIEWABLE


def close(dpy, window):
    ev = XEvent()
    ev.xclient.type = CLIENT_MESSAGE
    ev.xclient.send_event = 1
    ev.xclient.display = dpy
    ev.xclient.window = window
    ev.xclient.message_type = X.XInternAtom(dpy, b"WM_PROTOCOLS", 0)
    ev.xclient.format = 32
    ev.xclient.data[0] = X.XInternAtom(dpy, b"WM_DELETE_WINDOW", 0)
    ev.xclient.data[1] = 0  # CurrentTime
    X.XSendEvent(dpy, window, 0, 0, ctypes.byref(ev))
    X.XFlush(dpy)


def main():
    display, title, what = sys.argv[1], sys.argv[2], sys.argv[3]
    dpy = X.XOpenDisplay(display.encode())
    if not dpy:
        sys.exit(f"cannot open X display {display}")
    if what == "list":
        for w, mapped in windows(dpy, title):
            print(w, "mapped" if mapped else "unmapped")
    elif what == "close":
        close(dpy, int(sys.argv[4]))
    else:
        sys.exit(f"unknown command {what}")
    X.XCloseDisplay(dpy)


main()
