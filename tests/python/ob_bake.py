"""Bake and extract Open Badges images with openbadgeslib, an implementation nobody here wrote.

    ob_bake.py extract IMAGE v2|v3            prints the baked payload
    ob_bake.py bake IMAGE OUT PAYLOAD v2|v3   bakes the payload file's text into IMAGE
"""
import sys

from openbadgeslib import baking

KEYWORDS = {"v2": baking.ITXT_KEYWORD, "v3": baking.ITXT_KEYWORD_OB3}
ELEMENTS = {"v2": (baking.SVG_ELEMENT, baking.SVG_NS), "v3": (baking.SVG_ELEMENT_OB3, baking.SVG_NS_OB3)}


def main(argv):
    command, image = argv[1], argv[2]
    data = open(image, "rb").read()
    svg = image.lower().endswith(".svg")
    if command == "extract":
        version = argv[3]
        if svg:
            payload = baking.extract_svg(data, element=ELEMENTS[version][0], text_fallback=True)
        else:
            payload = baking.extract_png(data, keyword=KEYWORDS[version])
        if payload is None:
            print("nothing baked", file=sys.stderr)
            return 1
        sys.stdout.write(payload)
        return 0
    if command == "bake":
        out, payload_file, version = argv[3], argv[4], argv[5]
        payload = open(payload_file, encoding="utf-8").read().strip()
        if svg:
            element, namespace = ELEMENTS[version]
            baked = baking.bake_svg(data, payload, element=element, namespace=namespace, as_text=True)
        else:
            baked = baking.bake_png(data, payload, keyword=KEYWORDS[version])
        open(out, "wb").write(baked)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
