#!/usr/bin/env python3
"""Add translations to scripts/i18n_zh_CN.py and rewrite it sorted.

Usage: i18n_dict_add.py FILE.py   (FILE.py defines ADD = {msgid: msgstr})
Existing entries are replaced by the new value.
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DICT = os.path.join(HERE, "i18n_zh_CN.py")


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main():
    current = dict(load(DICT, "current").TRANSLATIONS)
    add = load(sys.argv[1], "add").ADD
    current.update({k: v for k, v in add.items() if v})
    text = open(DICT, encoding="utf-8").read()
    head = text.split("TRANSLATIONS = {")[0]
    with open(DICT, "w", encoding="utf-8") as fh:
        fh.write(head + "TRANSLATIONS = {\n")
        for k in sorted(current, key=lambda s: (s.lower(), s)):
            fh.write("    %r:\n        %r,\n" % (k, current[k]))
        fh.write("}\n")
    print("%d translations (%d added or changed)" % (len(current), len(add)))


if __name__ == "__main__":
    main()
