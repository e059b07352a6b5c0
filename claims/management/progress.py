"""Progress for long commands: a bar on a terminal, plain log lines otherwise."""

from __future__ import annotations

from typing import Any, TextIO

from tqdm import tqdm


class CommandProgress:
    def __init__(self, stream: TextIO, *, unit: str = "step") -> None:
        self.stream = stream
        self.unit = unit
        self.bar: tqdm | None = None  # type: ignore[type-arg]
        self.interactive = stream.isatty()

    @classmethod
    def for_command(cls, command: Any, *, unit: str) -> CommandProgress:
        """Progress on the command's stderr (its real stream, to tell a terminal apart)."""
        return cls(command.stderr._out, unit=unit)

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.interactive:
            self.stream.write(f"[{done}/{total}] {stage}\n")
            self.stream.flush()
            return
        if self.bar is None:
            self.bar = tqdm(total=total, file=self.stream, unit=self.unit, leave=True)
        self.bar.total = total
        self.bar.set_description_str(stage[:50])
        self.bar.n = done
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
