"""The supervision catalogue (三张清单): 10 categories and 35 supervision items, and the community power list
(社区小微权力清单) with its positive and negative lists, as versioned data (`catalogue_v<N>.json`).

Entries with `"placeholder": true` are ours, for the district to replace; the rest are named by the seed.
"""

import json
from functools import cache
from importlib import resources

CURRENT_VERSION = 1


@cache
def catalogue(version=CURRENT_VERSION):
    """The whole catalogue of `version` as a dict; raises ValueError for a version we do not have."""
    try:
        text = resources.files(__package__).joinpath(f"catalogue_v{int(version)}.json").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"catalogue version {version} does not exist; current is {CURRENT_VERSION}") from None
    return json.loads(text)


def categories(version=CURRENT_VERSION):
    return {c["code"]: c for c in catalogue(version)["categories"]}


def items(version=CURRENT_VERSION):
    """{item code: item (with its `category`)}."""
    return {i["code"]: {**i, "category": c["code"]} for c in catalogue(version)["categories"] for i in c["items"]}


def is_item(category, item, version=CURRENT_VERSION):
    """True if `item` is an item of `category` (item None: the category alone exists)."""
    if category not in categories(version):
        return False
    return item is None or items(version).get(item, {}).get("category") == category


def power_list(version=CURRENT_VERSION):
    """{power item code: item with `category`, `positive` and `negative` lists}."""
    return {
        i["code"]: {**i, "category": c["name"]}
        for c in catalogue(version)["power_list"]["categories"]
        for i in c["items"]
    }


def placeholders(version=CURRENT_VERSION):
    """Codes the district still has to fill."""
    found = [c["code"] for c in catalogue(version)["categories"] if c.get("placeholder")]
    found += [code for code, i in items(version).items() if i.get("placeholder")]
    found += [code for code, i in power_list(version).items() if i.get("placeholder")]
    return sorted(found)
