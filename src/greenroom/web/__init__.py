"""The web application: staff console and member portal over the application and analytics databases."""
