from __future__ import annotations

import hashlib
import secrets
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ALL_SCOPES, PersonalAccessToken, Team, TeamInvitation, TeamMembership
from .selectors import team_role_of

# last_used_at is written at most this often per token, so that a busy CI
# token does not turn every read into a write.
LAST_USED_RESOLUTION_S = 60


def user_ensure_admin(*, username: str, password: str | None) -> tuple[object, str | None]:
    """Create the first admin if it does not exist.

    Returns the user and the password when one was generated here (so that it can
    be printed once); an existing admin's password is never changed.
    """
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, None
    generated = None
    if not password:
        password = generated = secrets.token_urlsafe(12)
    user = User.objects.create_superuser(username=username, email="", password=password)
    return user, generated


class TokenRefused(Exception):
    """A token that may not be created: `field` names the request field at fault,
    `forbidden` says the creator lacks the right (403) rather than asked badly (400)."""

    def __init__(self, message: str, *, field: str, forbidden: bool = False):
        super().__init__(message)
        self.field = field
        self.forbidden = forbidden


class TeamRefused(Exception):
    """A team change that may not happen: `forbidden` says the actor lacks the role for it (403)
    rather than asked for something impossible (400)."""

    def __init__(self, message: str, *, field: str | None = None, forbidden: bool = False):
        super().__init__(message)
        self.field = field
        self.forbidden = forbidden


class LoginThrottled(Exception):
    def __init__(self, message: str, retry_after_s: int):
        super().__init__(message)
        self.retry_after_s = retry_after_s


def _hash_secret(secret: str) -> str:
    # The secret has 256 bits of entropy: a plain SHA-256 is as safe as a slow
    # password hash here, and lets a request find its token by an index lookup.
    return hashlib.sha256(secret.encode()).hexdigest()


def personal_token_create(
    *,
    user,
    name: str,
    expires_at: datetime | None = None,
    scopes: list[str] | None = None,
    creator_token: PersonalAccessToken | None = None,
) -> tuple[PersonalAccessToken, str]:
    """Create a token; returns the row and the secret, which is never stored.

    Without `expires_at` the token lives WHETSTONE_LOGIN_TOKEN_TTL_DAYS; no token
    lives past WHETSTONE_TOKEN_MAX_LIFETIME_DAYS. Without `scopes` it gets its
    creator's: every scope for a session, the creating token's own otherwise.
    A token (`creator_token`) never mints one with more scopes than its own, nor
    one that outlives it: a leaked token cannot be turned into a stronger one.
    """
    now = timezone.now()
    latest = now + timedelta(days=settings.WHETSTONE_TOKEN_MAX_LIFETIME_DAYS)
    ceiling = list(creator_token.scopes) if creator_token is not None else list(ALL_SCOPES)
    if scopes is None:
        scopes = ceiling
    unknown = sorted(set(scopes) - set(ALL_SCOPES))
    if unknown:
        raise TokenRefused(f"Unknown scope(s) {', '.join(unknown)}; choose from {', '.join(ALL_SCOPES)}.",
                           field="scopes")
    if not scopes:
        raise TokenRefused("A token needs at least one scope.", field="scopes")
    beyond = sorted(set(scopes) - set(ceiling))
    if beyond:
        raise TokenRefused(f"The token you are using lacks the scope(s) {', '.join(beyond)}, so it cannot "
                           f"create a token that has them.", field="scopes", forbidden=True)
    if expires_at is None:
        expires_at = now + timedelta(days=settings.WHETSTONE_LOGIN_TOKEN_TTL_DAYS)
        if creator_token is not None:
            expires_at = min(expires_at, creator_token.expires_at)
    if expires_at <= now:
        raise TokenRefused("The expiry must be in the future.", field="expires_at")
    if expires_at > latest:
        raise TokenRefused(f"A token may live at most {settings.WHETSTONE_TOKEN_MAX_LIFETIME_DAYS} days "
                           f"(until {latest.isoformat(timespec='seconds')}).", field="expires_at")
    if creator_token is not None and expires_at > creator_token.expires_at:
        raise TokenRefused(f"A token cannot create one that outlives itself: yours expires at "
                           f"{creator_token.expires_at.isoformat(timespec='seconds')}.",
                           field="expires_at", forbidden=True)
    secret = PersonalAccessToken.PREFIX + secrets.token_urlsafe(32)
    token = PersonalAccessToken.objects.create(
        user=user, name=name, token_hash=_hash_secret(secret), hint=secret[:10], expires_at=expires_at,
        scopes=[scope for scope in ALL_SCOPES if scope in scopes],
    )
    return token, secret


def login_token_create(*, user) -> tuple[PersonalAccessToken, str]:
    """The token a username and password buy (the CLI's and curl's login): every
    scope, WHETSTONE_LOGIN_TOKEN_TTL_DAYS long, listed and revocable like any other."""
    return personal_token_create(user=user, name=f"login {timezone.now():%Y-%m-%d %H:%M}")


def _login_failure_keys(*, username: str, address: str) -> dict[str, tuple[int, str]]:
    """Cache key, limit and message of each failure count a login attempt adds to: this
    username from this address, and (against trying many usernames) this address alone."""
    per_user = hashlib.sha256(f"{username.strip().lower()}\0{address}".encode()).hexdigest()
    per_address = hashlib.sha256(address.encode()).hexdigest()
    return {
        f"accounts:login-failures:{per_user}": (
            settings.WHETSTONE_LOGIN_MAX_FAILURES, "Too many failed logins for this user from this address."),
        f"accounts:login-failures-address:{per_address}": (
            settings.WHETSTONE_LOGIN_MAX_FAILURES_PER_ADDRESS, "Too many failed logins from this address."),
    }


def login_throttle_check(*, username: str, address: str) -> None:
    """Refuse (LoginThrottled) while this username has failed too often from this
    address, or this address too often for any username. Checked before the
    password, so that once locked out even the right password is refused until
    the window passes: guessing cannot go on."""
    now = time.time()
    for key, (limit, message) in _login_failure_keys(username=username, address=address).items():
        state = cache.get(key)
        if state and state["reset_at"] > now and state["failures"] >= limit:
            raise LoginThrottled(message, max(1, int(state["reset_at"] - now) + 1))


def login_failure_record(*, username: str, address: str) -> None:
    now = time.time()
    for key in _login_failure_keys(username=username, address=address):
        state = cache.get(key)
        if not state or state["reset_at"] <= now:
            state = {"failures": 0, "reset_at": now + settings.WHETSTONE_LOGIN_FAILURE_WINDOW_S}
        state["failures"] += 1
        cache.set(key, state, timeout=max(1, int(state["reset_at"] - now) + 1))


def login_failures_clear(*, username: str, address: str) -> None:
    """A good login forgets this username's failures from this address; not the
    address's own count, or one's own account would reset it between guesses."""
    cache.delete(next(iter(_login_failure_keys(username=username, address=address))))


def personal_token_revoke(*, token: PersonalAccessToken) -> PersonalAccessToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def personal_token_authenticate(*, secret: str) -> PersonalAccessToken | None:
    """The active token for `secret`, or None (unknown, revoked, expired, inactive user)."""
    token = (
        PersonalAccessToken.objects.select_related("user").filter(token_hash=_hash_secret(secret)).first()
    )
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_RESOLUTION_S:
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def team_create(*, creator, name: str) -> Team:
    with transaction.atomic():
        team = Team.objects.create(name=name, owner=creator)
        team.members.add(creator)
    return team


def _runs_team(team: Team, user) -> bool:
    """The owner's rights: roles, removing admins, handing the team over. Staff have them too."""
    return user.is_staff or team.owner_id == user.pk


def _manages_members(team: Team, user) -> bool:
    """Inviting, withdrawing invitations and removing plain members: the owner, admins and staff."""
    return _runs_team(team, user) or team_role_of(team=team, user=user) == "admin"


def _owner_name(team: Team) -> str:
    return team.owner.username if team.owner_id else "none: ask staff"


def _locked(team: Team) -> Team:
    """The team's row, locked until the transaction ends: role and ownership checks and the change
    they allow happen against the same state (two owners' hand-overs, a demotion racing a removal)."""
    # of=("self",): the owner is a nullable foreign key, joined with an outer join, and PostgreSQL
    # cannot lock the nullable side of one; only the team's row needs the lock.
    return Team.objects.select_for_update(of=("self",)).select_related("owner").get(pk=team.pk)


def team_member_add(*, team: Team, username: str, by) -> TeamInvitation | None:
    """Invite `username` to the team. Staff add directly (returns None); the owner and admins
    create a pending invitation that only the invitee can accept; members may not invite."""
    if not _manages_members(team, by):
        raise TeamRefused(f"Only the owner of {team.name} ({_owner_name(team)}) and its admins invite; "
                          "ask one of them.", forbidden=True)
    User = get_user_model()
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise LookupError(f"No active user named {username!r}.")
    if team.members.filter(pk=user.pk).exists():
        raise TeamRefused(f"{username} is already a member of {team.name}.", field="username")
    if by.is_staff:
        with transaction.atomic():
            team.members.add(user)
            TeamInvitation.objects.filter(team=team, invitee=user, status=TeamInvitation.Status.PENDING).update(
                status=TeamInvitation.Status.ACCEPTED, responded_at=timezone.now())
        return None
    existing = TeamInvitation.objects.filter(team=team, invitee=user, status=TeamInvitation.Status.PENDING).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return TeamInvitation.objects.create(team=team, invitee=user, invited_by=by)
    except IntegrityError:  # a concurrent request invited them first
        return TeamInvitation.objects.get(team=team, invitee=user, status=TeamInvitation.Status.PENDING)


def team_invitation_respond(*, invitation: TeamInvitation, user, accept: bool) -> TeamInvitation:
    """The invitee's answer; only then does an accepted invitee join."""
    if invitation.invitee_id != user.pk:
        raise TeamRefused("Only the invited user can answer an invitation.")
    if invitation.status != TeamInvitation.Status.PENDING:
        raise TeamRefused(f"This invitation was already {invitation.status}.")
    with transaction.atomic():
        invitation.status = TeamInvitation.Status.ACCEPTED if accept else TeamInvitation.Status.DECLINED
        invitation.responded_at = timezone.now()
        invitation.save(update_fields=["status", "responded_at"])
        if accept:
            invitation.team.members.add(user)
    return invitation


def _member_removal_refusal(*, team: Team, target: TeamMembership, by) -> str | None:
    """Why `by` may not take `target` out of the team, or None when they may. Anyone may leave,
    except the owner while others remain (the team would be left without anyone to run it)."""
    if target.user_id == by.pk:
        if team.owner_id == by.pk and team.memberships.exclude(user_id=by.pk).exists():
            return (f"You own {team.name}: hand it to another member (Transfer ownership) before you leave.")
        return None
    if team.owner_id is not None and target.user_id == team.owner_id:
        return (f"{team.owner.username} owns {team.name} and cannot be removed; the owner may hand the team "
                "to someone else and then leave.")
    if _runs_team(team, by):
        return None
    if team_role_of(team=team, user=by) == "admin":
        if target.role == TeamMembership.Role.ADMIN:
            return f"Only the owner of {team.name} ({_owner_name(team)}) removes an admin."
        return None
    return (f"Only the owner of {team.name} ({_owner_name(team)}) and its admins remove other members; "
            "anyone may leave.")


def team_member_remove(*, team: Team, username: str, by) -> Team:
    """Remove a member (leaving is removing yourself); a pending invitation of that user is
    withdrawn too. The owner (and staff) remove anyone but the owner; admins remove plain members;
    an invitation is withdrawn by the owner, an admin or whoever sent it. Refused otherwise
    (TeamRefused, `forbidden` unless it is the owner leaving a team that still has members)."""
    with transaction.atomic():
        team = _locked(team)
        target = team.memberships.filter(user__username=username).first()
        if target is not None:
            refusal = _member_removal_refusal(team=team, target=target, by=by)
            if refusal is not None:
                raise TeamRefused(refusal, forbidden=target.user_id != by.pk)
            target.delete()
        elif username != by.username and not _manages_members(team, by):
            invited_by_them = TeamInvitation.objects.filter(
                team=team, invitee__username=username, invited_by=by, status=TeamInvitation.Status.PENDING).exists()
            if not invited_by_them:
                raise TeamRefused(f"Only the owner of {team.name} ({_owner_name(team)}), its admins and whoever "
                                  "sent an invitation withdraw it.", field="username", forbidden=True)
        TeamInvitation.objects.filter(team=team, invitee__username=username,
                                      status=TeamInvitation.Status.PENDING).update(
            status=TeamInvitation.Status.DECLINED, responded_at=timezone.now())
    return team


def _membership_of(team: Team, username: str) -> TeamMembership:
    membership = team.memberships.select_related("user").filter(user__username=username).first()
    if membership is None:
        raise LookupError(f"{username} is not a member of {team.name}; invite them first.")
    return membership


def team_member_role_set(*, team: Team, username: str, role: str, by) -> Team:
    """Promote a member to admin or demote an admin to member: the owner's (or staff's) call alone.
    The owner's own role changes only by handing the team over (team_ownership_transfer)."""
    if role not in TeamMembership.Role.values:
        raise TeamRefused(f"Unknown role {role!r}; choose from {', '.join(TeamMembership.Role.values)}.",
                          field="role")
    with transaction.atomic():
        team = _locked(team)
        if not _runs_team(team, by):
            raise TeamRefused(f"Only the owner of {team.name} ({_owner_name(team)}) promotes and demotes admins.",
                              forbidden=True)
        membership = _membership_of(team, username)
        if membership.user_id == team.owner_id:
            raise TeamRefused(f"{username} owns {team.name}: the owner's role changes only by transferring "
                              "ownership to another member.", field="role")
        if membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])
    return team


def team_ownership_transfer(*, team: Team, username: str, by) -> Team:
    """Hand the team to another member. The previous owner stays in the team as an admin, so that
    a hand-over never locks its author out of running it; the new owner may demote them."""
    with transaction.atomic():
        team = _locked(team)
        if not _runs_team(team, by):
            raise TeamRefused(f"Only the owner of {team.name} ({_owner_name(team)}) transfers ownership.",
                              forbidden=True)
        membership = _membership_of(team, username)
        if membership.user_id == team.owner_id:
            raise TeamRefused(f"{username} already owns {team.name}.", field="username")
        if team.owner_id is not None:
            team.memberships.filter(user_id=team.owner_id).update(role=TeamMembership.Role.ADMIN)
        team.owner = membership.user
        team.save(update_fields=["owner"])
    return team
