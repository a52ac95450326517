"""Labels for the organisation that the TUI needs before SQLAlchemy is loaded."""

FORMS = {"mail": "mail", "telefon": "telefon", "møde": "møde"}
"""How KOMBIT followed up."""

ESCALATIONS = {
    "none": "ingen eskalering",
    "direktion": "eskaleret til direktionen",
    "kommunalbestyrelse": "eskaleret til kommunalbestyrelsen",
}
