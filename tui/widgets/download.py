"""A file being fetched from the API: what is happening, a progress bar, and where it went."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import ProgressBar, Static

from tui.downloads import human_size


class DownloadPanel(Vertical):
    DEFAULT_CSS = """
    DownloadPanel { height: auto; }
    DownloadPanel > .dl-status { height: auto; }
    DownloadPanel > ProgressBar { height: 1; }
    DownloadPanel.-idle > ProgressBar { display: none; }
    """

    def __init__(self, **kw: Any) -> None:
        super().__init__(classes="-idle", **kw)

    def compose(self) -> ComposeResult:
        yield Static("", classes="dl-status")
        yield ProgressBar(total=100, show_eta=False)

    def _say(self, text: str) -> None:
        self.query_one(".dl-status", Static).update(text)

    async def fetch(self, app: Any, path: str, params: dict[str, Any], folder: Path,
                    fallback_name: str, waiting: str) -> Path:
        """Download into `folder`, showing progress; API and OS errors propagate."""
        self.saved: Path | None = None
        bar = self.query_one(ProgressBar)
        bar.update(total=None, progress=0)  # indeterminate until the size is known
        self.remove_class("-idle")
        self._say(waiting)

        def progress(received: int, total: int | None) -> None:
            if total:
                bar.update(total=total, progress=received)
            self._say(f"Downloading… {human_size(received)}"
                      + (f" of {human_size(total)}" if total else ""))

        try:
            saved = await app.api.download(path, params, folder, fallback_name, progress)
        except BaseException:
            bar.update(total=100, progress=0)
            self._say("")
            raise
        bar.update(total=1, progress=1)
        size = saved.stat().st_size
        self._say(f"[b]Saved to[/b] {saved}  ({human_size(size)})")
        self.saved = saved
        return saved
