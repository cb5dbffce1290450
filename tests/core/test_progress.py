"""The reading's progress: the CSV reader reports to the listener of the current context, and
the writer draws a bar on a terminal or plain lines in a log."""

from __future__ import annotations

from openveiligheid.core import progress
from openveiligheid.core.csvfiles import CsvText, iter_rows
from openveiligheid.core.progress import ProgressWriter, Reading


class Clock:
    """Time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def big_csv(rows: int) -> CsvText:
    text = "measure,area,period,value\n" + "".join(
        f"halt,BU{n:08d},2023-01,{n % 10}\n" for n in range(rows)
    )
    return CsvText("groot.csv", text, ",")


def test_the_reader_reports_each_piece_and_the_end_to_whoever_listens():
    csv_text = big_csv(90_000)  # 2.3 MiB: two pieces of 1 MiB and a bit
    readings: list[Reading] = []
    with progress.listening(readings.append):
        rows = sum(1 for _ in iter_rows(csv_text))
    assert rows == 90_000
    assert len(readings) == 3
    positions = [r.position for r in readings]
    assert positions == sorted(positions) and positions[-1] == len(csv_text.text)
    assert [r.done for r in readings] == [False, False, True]
    assert readings[-1].lines == 90_001 and readings[-1].fraction == 1.0
    assert 0.4 < readings[0].fraction < 0.6


def test_nobody_listens_by_default():
    assert progress.tracker("x.csv", 10) is None
    with progress.listening(lambda reading: None):
        assert progress.tracker("x.csv", 10) is not None
    assert progress.tracker("x.csv", 10) is None


def test_not_on_a_terminal_a_plain_line_every_interval_and_the_count_at_the_end():
    clock, written = Clock(), []
    writer = ProgressWriter(written.append, terminal=False, interval=10, clock=clock)
    for second in range(1, 26):
        clock.now = second
        writer(Reading("groot.csv", second * 40_000, second, 100))
    clock.now = 40
    writer(Reading("groot.csv", 4_000_000, 100, 100))
    assert written == [
        "groot.csv: … 400.000 regels gelezen (10 %), 40.000 regels/s\n",
        "groot.csv: … 800.000 regels gelezen (20 %), 40.000 regels/s\n",
        "groot.csv: 4.000.000 regels gelezen in 40,0 s (100.000 regels/s); bezig met opslaan …\n",
    ]


def test_on_a_terminal_one_bar_redrawn_in_place_then_a_line_end():
    clock, written = Clock(), []
    writer = ProgressWriter(written.append, terminal=True, clock=clock)
    clock.now = 0.1
    writer(Reading("groot.csv", 1_000, 10, 100))  # the first reading is drawn at once
    clock.now = 0.2
    writer(Reading("groot.csv", 2_000, 20, 100))  # within the redraw interval: not drawn
    clock.now = 1.0
    writer(Reading("groot.csv", 250_000, 50, 100))
    clock.now = 2.0
    writer(Reading("groot.csv", 500_000, 100, 100))
    assert (
        written[0] == f"\rgroot.csv [{'###' + '.' * 27}]  10 % 1.000 regels 10.000 regels/s\x1b[K"
    )
    bar = "#" * 15 + "." * 15
    assert written[1] == f"\rgroot.csv [{bar}]  50 % 250.000 regels 250.000 regels/s\x1b[K"
    assert written[2] == "\n"
    assert written[3].startswith("groot.csv: 500.000 regels gelezen in 2,0 s")
    writer.close()  # nothing left open
    assert len(written) == 4


def test_a_bar_left_open_by_an_error_is_closed():
    written: list[str] = []
    writer = ProgressWriter(written.append, terminal=True, interval=0)
    writer(Reading("kapot.csv", 10, 1, 100))
    writer.close()
    writer.close()
    assert written[-1] == "\n" and written.count("\n") == 1
