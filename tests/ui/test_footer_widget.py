"""The app's footer: Textual's, without restyling each key twice whenever the footer is rebuilt."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from tui_convnet.ui.app import create_app
from tui_convnet.ui.common.footer import KeysFooter


async def test_footer_keys_are_built_without_restyling(monkeypatch):
    restyled: list[str] = []
    original = FooterKey.update_node_styles

    def counting(self, animate: bool = True) -> None:
        if not self.has_class("-command-palette"):
            restyled.append(self.key)
        original(self, animate)

    monkeypatch.setattr(FooterKey, "update_node_styles", counting)
    app = create_app()
    async with app.run_test(size=(130, 42)) as pilot:
        # the explorer's footer, then the help screen over it and back: the footer is rebuilt each time
        await pilot.press("question_mark")
        await pilot.press("escape")
        await pilot.pause()
        footer = app.screen.query_one(KeysFooter)
        keys = [key for key in footer.query(FooterKey) if not key.has_class("-command-palette")]
        assert len(keys) >= 8
        assert not any(key.compact or key.has_class("-compact") for key in keys)
    assert restyled == []
