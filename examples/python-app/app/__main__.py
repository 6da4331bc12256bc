import os
from wsgiref.simple_server import make_server

from app import application

port = int(os.environ.get("PORT", "8000"))
print(f"listening on {port}", flush=True)
make_server("", port, application).serve_forever()
