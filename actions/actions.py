"""Entry point for `rasa run actions`: importing this registers every action."""
from actions.forms.return_form import (  # noqa: F401
    ActionAskExchangeSku,
    ActionAskReturnConfirmed,
    ActionAskReturnItem,
    ActionAskReturnPhotos,
    ActionAskReturnQuantity,
    ActionAskReturnReason,
    ActionAskReturnResolution,
    ActionAskReturnSealIntact,
    ValidateReturnForm,
)
from actions.fallback import ActionDefaultFallback  # noqa: F401
from actions.forms.status_form import ValidateStatusForm  # noqa: F401
from actions.handoff import (  # noqa: F401
    ActionAnswerYesNo,
    ActionHandback,
    ActionHandoff,
    ActionRecordCsat,
    ActionSessionStart,
)
from actions.policy import ActionAnswerPolicy  # noqa: F401
from actions.returns import (  # noqa: F401
    ActionCancelFlow,
    ActionCreateReturn,
    ActionKeepPhoto,
    ActionStartExchange,
    ActionStartReturn,
)
from actions.route_inform import ActionRouteInform  # noqa: F401
from actions.status import ActionShowStatus, ActionStartStatus  # noqa: F401
