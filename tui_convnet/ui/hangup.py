"""The app's terminal driver on Linux and macOS: input starts again only after a Ctrl+Z, never after a closed terminal.

When a terminal closes, the kernel sends the app SIGHUP and then SIGCONT. Textual's driver answers every
SIGCONT (meant for ``fg`` after Ctrl+Z) by starting its input thread again, even when the app has already
stopped it for good: after ``q`` and a closed terminal, that new thread read the hung-up terminal in a loop
(an end of file at once, every time) and Python waited for it at exit, so the process never ended and kept
a core busy. :class:`HangupSafeDriver` resumes only a driver that was suspended (Ctrl+Z, ``App.suspend``),
and only while its terminal is still there. SIGHUP itself ends the app as ``q`` does
(:func:`tui_convnet.ui.terminal.exit_on_signals`, which installs this driver).
"""

from __future__ import annotations

import termios

from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver

__all__ = ["HangupSafeDriver", "hangup_safe", "terminal_gone"]


def terminal_gone(fd: int) -> bool:
    """Whether the terminal on ``fd`` has hung up (closed): its attributes can no longer be read."""
    try:
        termios.tcgetattr(fd)
    except (termios.error, OSError, ValueError):
        return True
    return False


class HangupSafeDriver(LinuxDriver):
    """Textual's Linux driver, minus the restart of input on a SIGCONT that no Ctrl+Z asked for."""

    #: The driver was suspended (Ctrl+Z or ``App.suspend``) and has not been resumed since.
    suspended: bool = False

    def suspend_application_mode(self) -> None:
        super().suspend_application_mode()
        self.suspended = True

    def resume_application_mode(self) -> None:
        # A SIGCONT after the app stopped, or with the terminal gone, starts nothing: no input thread is left
        # reading a closed terminal, and the process ends.
        if not self.suspended or terminal_gone(self.fileno):
            return
        self.suspended = False
        super().resume_application_mode()


def hangup_safe(driver_class: type[Driver]) -> type[Driver]:
    """The driver to use instead of ``driver_class``: :class:`HangupSafeDriver` for Textual's Linux driver, else
    ``driver_class`` itself (the headless, web and Windows drivers install no SIGCONT handler)."""
    return HangupSafeDriver if driver_class is LinuxDriver else driver_class
