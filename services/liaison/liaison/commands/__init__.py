"""liaison's commands, one module per part of the organisation; `service.ROUTES` names each function where it
lives."""
