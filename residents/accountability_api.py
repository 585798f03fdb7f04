"""One router for custody of residents' money and goods and for public notices, mounted once in
config/api.py: /api/people/{id}/custody/…, /api/custody/…, /api/notices…"""
from ninja import Router

from .custody.api import router as custody_router
from .notices.api import router as notice_router

router = Router()
router.add_router("/", custody_router)
router.add_router("/notices", notice_router)
