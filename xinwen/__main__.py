from xinwen.cli import app

app(prog_name="xinwen")
