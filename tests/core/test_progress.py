import argparse

from enlist.core.progress import progress_arguments, progress_bar


def test_bar_drawn_only_when_asked_or_on_a_terminal(capsys):
    with progress_bar(total=3, unit="step", desc="Counting", progress=None) as bar:
        bar.update(3)  # stderr is captured here, not a terminal: no bar
    with progress_bar(total=3, unit="step", desc="Counting", progress=False) as bar:
        bar.update(3)
    assert capsys.readouterr().err == ""
    with progress_bar(total=3, unit="step", desc="Counting", progress=True) as bar:
        bar.update(3)
    captured = capsys.readouterr()
    assert "Counting" in captured.err
    assert captured.out == ""


def test_options_leave_the_choice_to_the_terminal_unless_given():
    parser = argparse.ArgumentParser()
    progress_arguments(parser)
    assert parser.parse_args([]).progress is None
    assert parser.parse_args(["--progress"]).progress is True
    assert parser.parse_args(["--no-progress"]).progress is False
