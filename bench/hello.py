"""The bare Flask hello-world that bench/throughput.py compares the portal with."""
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, world"
