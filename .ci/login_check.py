"""Log in as every demo user against a running server and check the home page answers."""
import re
import sys
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

BASE = sys.argv[1].rstrip("/")
USERS = ["admin", "inspector", "inspector_xf", "clerk", "clerk_xf", "manager", "manager_cw"]
PASSWORD = "Minzheng@2026"


def login(username: str) -> str:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    page = opener.open(f"{BASE}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(f"{BASE}/accounts/login/", data=data, headers={"Referer": f"{BASE}/accounts/login/"})
    response = opener.open(request)
    body = response.read().decode()
    if not response.url.rstrip("/").endswith(BASE.split("//")[1]) and response.url != f"{BASE}/":
        raise SystemExit(f"{username}: login did not reach the home page ({response.url})")
    return body


for user in USERS:
    body = login(user)
    assert 'data-testid="current-user"' in body, f"{user}: no signed-in navigation"
    print(f"demo login ok: {user}")
