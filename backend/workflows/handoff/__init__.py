"""Handing a conversation to a person and back: one module per business action.

request → (customer_message)* → claim → reply / note → hand_back | close → rate.
Each changes the handoff through ``backend.services.handoffs`` (the one writer) and
reaches the customer through the outbound port (``ctx.conversations``), in that order:
the database first, then the channel, and the database put back when the channel fails,
so a handoff never says "back with the bot" while the bot is still silent.
"""
