"""Services: what ka2forms does with the model (check eligibility, travel, annex, forms). Front ends call these."""
