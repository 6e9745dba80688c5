"""Where partner events go: signed webhooks (``webhook``) and a RabbitMQ exchange (``amqp``)."""
