from ninja import Router, Schema

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    role_display: str
    region_code: str


@router.get("/me", response=MeOut, summary="当前用户 / current user")
def me(request):
    user = request.user
    return MeOut(
        id=user.id, username=user.username, full_name=user.full_name, role=user.role,
        role_display=user.get_role_display(), region_code=user.region_code,
    )
