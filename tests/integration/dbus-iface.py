#!/usr/bin/python3
# Prints one D-Bus interface of an introspection document (a file, or - for
# standard input) as sorted lines, one per method argument, property and
# signal argument, so that two documents compare with diff: the shipped
# agent/org.mcmig.Agent1.xml and what mcmigd exports. Doc comments and
# annotations do not count. Exits 1 if the interface is not there.
#
#   dbus-iface.py FILE|- INTERFACE
import sys
import xml.etree.ElementTree as ET

src = sys.stdin if sys.argv[1] == "-" else open(sys.argv[1])
iface = [i for i in ET.parse(src).getroot().iter("interface") if i.get("name") == sys.argv[2]]
if not iface:
    sys.exit(f"dbus-iface.py: no interface {sys.argv[2]} in {sys.argv[1]}")
lines = []
for kind in ("method", "signal"):
    for m in iface[0].iter(kind):
        args = m.findall("arg")
        lines.append(f"{kind} {m.get('name')} ({len(args)} args)")
        for n, a in enumerate(args):
            # D-Bus: a method argument is "in" unless said otherwise; a signal's are "out".
            d = a.get("direction", "in" if kind == "method" else "out")
            lines.append(f"{kind} {m.get('name')} arg{n} {d} {a.get('type')} {a.get('name')}")
for p in iface[0].iter("property"):
    lines.append(f"property {p.get('name')} {p.get('type')} {p.get('access')}")
print("\n".join(sorted(lines)))
