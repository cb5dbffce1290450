"""Open Veiligheid: integraal veiligheidsbeleid plannen, monitoren en verantwoorden."""

__version__ = "0.1.0"
