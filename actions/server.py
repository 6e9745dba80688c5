"""The action server, closed to everyone but Rasa: ``python -m actions.server``.

`rasa run actions` listens on every interface (rasa-sdk binds ``SANIC_HOST``, default
0.0.0.0) and runs any action on any tracker a caller makes up; since the actions hold
the backend's service token, that made it an open proxy to verification and handoffs.
This entry point takes the same flags as `rasa run actions`, but

* listens on 127.0.0.1 unless ``BOOMERANG_ACTIONS_HOST`` says otherwise, and
* answers nothing but ``/health`` without the shared secret that Rasa sends in the
  ``X-Boomerang-Actions-Token`` header (endpoints.yml; ``BOOMERANG_ACTIONS_TOKEN``,
  drawn per install by common/install_secrets.py when unset).
"""
from __future__ import annotations

import hmac
import logging
import os
import sys
from typing import Optional

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_app, create_argument_parser, create_ssl_context
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from common import install_secrets

log = logging.getLogger(__name__)

TOKEN_HEADER = "X-Boomerang-Actions-Token"
OPEN_PATHS = frozenset({"/health"})
REFUSED = {"error": {
    "code": "actions_token_invalid",
    "message": "Only the assistant's Rasa server may call the action server.",
    "message_fr": "Seul le serveur Rasa de l'assistant peut appeler le serveur d'actions.",
}}


def require_token(app: Sanic, token: str) -> None:
    """Refuse every call but the health check without the shared secret."""
    if not token:
        raise ValueError("the action server needs a non-empty BOOMERANG_ACTIONS_TOKEN")
    expected = token.encode()

    @app.middleware("request")
    async def shared_secret_only(request: Request) -> Optional[HTTPResponse]:
        if request.path in OPEN_PATHS:
            return None
        given = (request.headers.get(TOKEN_HEADER) or "").encode()
        if not hmac.compare_digest(given, expected):
            log.warning("action server call to %s without the shared secret refused", request.path)
            return response.json(REFUSED, status=401)
        return None


def build_app(actions_package: str, token: str, cors_origins=None) -> Sanic:
    app = create_app(actions_package, cors_origins=cors_origins)
    require_token(app, token)
    return app


def argument_parser():
    """rasa-sdk's own flags; its parser spells ``--logging-config_file``, `rasa run actions`
    ``--logging-config-file``: both are accepted here."""
    parser = create_argument_parser()
    parser.add_argument("--logging-config-file", dest="logging_config_file", default=None,
                        help="a logging configuration file (config/logging.yml masks personal data)")
    return parser


def main(argv: Optional[list[str]] = None) -> None:
    args = argument_parser().parse_args(argv)
    logging.getLogger("matplotlib").setLevel(logging.WARN)
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), args.log_file,
                                 args.loglevel, args.logging_config_file)
    utils.update_sanic_log_level()
    # No CORS: browsers have no business calling the action server.
    app = build_app(args.actions, install_secrets.get("BOOMERANG_ACTIONS_TOKEN"), cors_origins=None)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    ssl_context = create_ssl_context(args.ssl_certificate, args.ssl_keyfile, args.ssl_password)
    host = os.environ.get("BOOMERANG_ACTIONS_HOST") or "127.0.0.1"
    log.info("Action server on %s://%s:%s (shared secret required)",
             "https" if ssl_context else "http", host, args.port)
    app.run(host, args.port, ssl=ssl_context, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main(sys.argv[1:])
