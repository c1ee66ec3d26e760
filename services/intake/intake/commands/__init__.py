"""intake's commands, one module per aggregate; `service.ROUTES` names each function where it lives."""
