from chiso.cli import app

app()
