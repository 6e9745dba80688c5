"""One module per business action on a return: create, review (approve / hold / reject),
issue the label, receive, inspect, resolve (refund / exchange / credit), cancel, expire,
close, attach a photo.

A workflow owns the order of the side effects – which transaction the status change is
in, when the carrier or the payment provider is called (never inside an open write
transaction), when the SMS it announces is queued and sent – and calls the single-step
services (``backend.services``) for each step. Routes and the CLI call workflows for
anything that changes a return; services never call workflows, so there is one place to
read what "approve" or "receive" does, and the warehouse's moves are entries in
:data:`backend.workflows.staff_moves.MOVES` rather than branches of one function.

Commands outside a return's lifecycle that are one step anyway (verifying a customer,
storing a photo, a handoff, an SMS opt-out, erasure) are called as services directly.
"""
