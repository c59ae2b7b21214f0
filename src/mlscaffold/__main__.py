from mlscaffold.cli import run

run()
