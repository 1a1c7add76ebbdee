"""A StreamField as the page editor posts it: the editor's JavaScript builds
these fields in a browser; a test client posting the edit form sends the
body the page has instead of an empty one."""

from __future__ import annotations

from wagtail import blocks


def post_data(block, value, prefix: str) -> dict[str, object]:
    """The POST fields of `value` (a value of `block`) under `prefix`."""
    return _fields(block, block.get_form_state(value), prefix)


def _fields(block, state, prefix: str) -> dict[str, object]:
    if isinstance(block, blocks.BaseStreamBlock):
        data = {f"{prefix}-count": str(len(state))}
        for i, child in enumerate(state):
            data |= {
                f"{prefix}-{i}-type": child["type"],
                f"{prefix}-{i}-deleted": "",
                f"{prefix}-{i}-order": str(i),
            }
            data[f"{prefix}-{i}-id"] = child.get("id") or ""
            data |= _fields(block.child_blocks[child["type"]], child["value"], f"{prefix}-{i}-value")
        return data
    if isinstance(block, blocks.ListBlock):
        data = {f"{prefix}-count": str(len(state))}
        for i, child in enumerate(state):
            data |= {
                f"{prefix}-{i}-deleted": "",
                f"{prefix}-{i}-order": str(i),
                f"{prefix}-{i}-id": child.get("id") or "",
            }
            data |= _fields(block.child_block, child["value"], f"{prefix}-{i}-value")
        return data
    if isinstance(block, blocks.BaseStructBlock):
        data = {}
        for name, child in block.child_blocks.items():
            data |= _fields(child, state.get(name), f"{prefix}-{name}")
        return data
    if isinstance(state, list):  # a choice's widget state
        state = state[0] if state else ""
    if isinstance(state, bool):
        return {prefix: "on"} if state else {}
    return {} if state is None else {prefix: state if isinstance(state, str) else str(state)}
