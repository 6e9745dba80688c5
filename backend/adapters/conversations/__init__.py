"""The outbound port: say something to a customer on the channel they wrote from."""
