"""Event brokers: where Rasa publishes every conversation event (production: RabbitMQ)."""
