"""Quality gates that decide whether a load may be published."""
