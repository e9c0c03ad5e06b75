import { useState, type FormEvent } from "react";
import {
  useCreateTeam,
  useInviteMember,
  useLeaveTeam,
  useRemoveMember,
  useRespondToInvitation,
  useSession,
  useSetMemberRole,
  useTeamInvitations,
  useTeams,
  useTransferTeam,
  type Team,
  type TeamInvitation,
} from "../api/queries";
import { FieldErrors, FormError, fieldHasError } from "../components/FormErrors";
import { PageTitle } from "../components/PageTitle";
import { PagedQueryView } from "../components/PagedQueryView";
import { ResponsiveTable } from "../components/ResponsiveTable";
import { ErrorState, LoadingState } from "../components/StateViews";
import { formatDateTime } from "../format/numbers";

function InvitationItem({ invitation }: { invitation: TeamInvitation }) {
  const respond = useRespondToInvitation();
  const answering = respond.isPending;
  return (
    <li className="card" data-testid="invitation-row">
      <div className="title-row">
        <p>
          <strong>{invitation.team_name}</strong>
          {invitation.invited_by ? ` — invited by ${invitation.invited_by}` : ""}{" "}
          <span className="muted small">{formatDateTime(invitation.created_at)}</span>
        </p>
        <div className="button-row">
          <button
            type="button"
            className="primary"
            disabled={answering}
            onClick={() => respond.mutate({ id: invitation.id, accept: true })}
            aria-label={`Accept the invitation to ${invitation.team_name}`}
          >
            Accept
          </button>
          <button
            type="button"
            disabled={answering}
            onClick={() => respond.mutate({ id: invitation.id, accept: false })}
            aria-label={`Decline the invitation to ${invitation.team_name}`}
          >
            Decline
          </button>
        </div>
      </div>
      <FormError error={respond.error} shownFields={[]} />
    </li>
  );
}

/** Invitations addressed to the user: joining a team needs their consent, so they answer here. */
function Invitations() {
  const invitations = useTeamInvitations();
  if (invitations.isPending) return <LoadingState label="Loading invitations…" />;
  if (invitations.isError) return <ErrorState error={invitations.error} onRetry={() => void invitations.refetch()} />;
  const pending = invitations.data.results;
  if (pending.length === 0) return null;
  return (
    <section aria-labelledby="invitations-title" data-testid="invitations">
      <h2 id="invitations-title">Invitations for you</h2>
      <p className="muted">You join a team only when you accept; until then you see nothing of it.</p>
      <ul className="plain-list">
        {pending.map((invitation) => (
          <InvitationItem key={invitation.id} invitation={invitation} />
        ))}
      </ul>
    </section>
  );
}

function InviteForm({ team }: { team: Team }) {
  const invite = useInviteMember(team.id);
  const [username, setUsername] = useState("");
  const [notice, setNotice] = useState("");
  const inputId = `invite-${team.id}`;

  function submit(event: FormEvent) {
    event.preventDefault();
    const name = username.trim();
    setNotice("");
    invite.mutate(name, {
      onSuccess: (answer) => {
        setUsername("");
        // Staff add members directly (no invitation); anyone else's invitee must accept first.
        setNotice(answer.invitation ? `Invited ${name}: they join when they accept.` : `Added ${name} to ${team.name}.`);
      },
    });
  }

  return (
    <form onSubmit={submit} aria-label={`Invite someone to ${team.name}`} data-testid="invite-form">
      <FormError error={invite.error} shownFields={["username"]} />
      <label htmlFor={inputId}>Invite by username</label>
      <div className="button-row">
        <input
          id={inputId}
          required
          autoComplete="off"
          value={username}
          onChange={(event) => setUsername(event.target.value)}
          aria-invalid={fieldHasError(invite.error, "username")}
          aria-describedby={`${inputId}-errors`}
        />
        <button type="submit" disabled={invite.isPending || !username.trim()}>
          {invite.isPending ? "Inviting…" : "Invite"}
        </button>
      </div>
      <FieldErrors id={`${inputId}-errors`} error={invite.error} field="username" />
      {notice && (
        <p role="status" className="muted" data-testid="invite-notice">
          {notice}
        </p>
      )}
    </form>
  );
}

type TeamRole = "owner" | "admin" | "member";
const ROLE_WORDS: Record<TeamRole, string> = { owner: "the owner", admin: "an admin", member: "a member" };

function roleIn(team: Team, username: string): TeamRole {
  if (username === team.owner) return "owner";
  return team.admins.includes(username) ? "admin" : "member";
}

/** The buttons a row of the members table offers, following the API's rules: the owner (and staff)
 * promote, demote, remove anyone but themself and hand the team over; admins remove plain members. */
function MemberActions({
  team,
  member,
  me,
  manages,
}: {
  team: Team;
  member: string;
  me: string | undefined;
  manages: { roles: boolean; members: boolean };
}) {
  const setRole = useSetMemberRole(team.id);
  const transfer = useTransferTeam(team.id);
  const remove = useRemoveMember(team.id);
  const role = roleIn(team, member);
  const busy = setRole.isPending || transfer.isPending || remove.isPending;
  if (member === me || role === "owner") return null;
  const mayRemove = manages.roles || (manages.members && role === "member");
  return (
    <div className="button-row member-actions">
      {manages.roles && (
        <button
          type="button"
          disabled={busy}
          onClick={() => setRole.mutate({ username: member, role: role === "admin" ? "member" : "admin" })}
          aria-label={role === "admin" ? `Make ${member} a member` : `Make ${member} an admin`}
        >
          {role === "admin" ? "Make member" : "Make admin"}
        </button>
      )}
      {manages.roles && (
        <button
          type="button"
          disabled={busy}
          onClick={() => {
            const previous = team.owner === me ? "You stay" : team.owner ? `${team.owner} stays` : null;
            const note = previous ? ` ${previous} in the team as an admin.` : "";
            if (window.confirm(`Make ${member} the owner of ${team.name}?${note}`)) transfer.mutate(member);
          }}
          aria-label={`Transfer ownership of ${team.name} to ${member}`}
        >
          Make owner
        </button>
      )}
      {mayRemove && (
        <button
          type="button"
          className="danger"
          disabled={busy}
          onClick={() => {
            if (window.confirm(`Remove ${member} from ${team.name}?`)) remove.mutate(member);
          }}
          aria-label={`Remove ${member} from ${team.name}`}
        >
          Remove
        </button>
      )}
      <FormError error={setRole.error ?? transfer.error ?? remove.error} shownFields={[]} />
    </div>
  );
}

function TeamItem({ team, me, isStaff }: { team: Team; me: string | undefined; isStaff: boolean }) {
  const leave = useLeaveTeam(team.id);
  const withdraw = useRemoveMember(team.id);
  const isMember = me !== undefined && team.members.includes(me);
  const myRole = isMember ? roleIn(team, me) : null;
  const runsTeam = isStaff || myRole === "owner";
  const manages = { roles: runsTeam, members: runsTeam || myRole === "admin" };
  // An owner leaves only a team nobody else is in: with others there, they hand it over first.
  const ownerMustHandOver = myRole === "owner" && team.members.length > 1;
  return (
    <li className="card" data-testid="team-row">
      <div className="title-row">
        <div>
          <h3>{team.name}</h3>
          {myRole && (
            <p className="muted small" data-testid="my-role">
              You are {ROLE_WORDS[myRole]}.
            </p>
          )}
        </div>
        {isMember &&
          (ownerMustHandOver ? (
            <p className="muted small" data-testid="leave-hint">
              To leave, make someone else the owner first.
            </p>
          ) : (
            <button
              type="button"
              className="danger"
              disabled={leave.isPending}
              onClick={() => {
                if (window.confirm(`Leave ${team.name}? You lose access to the models shared with it.`)) leave.mutate();
              }}
            >
              {leave.isPending ? "Leaving…" : "Leave team"}
            </button>
          ))}
      </div>
      <FormError error={leave.error ?? withdraw.error} shownFields={[]} />
      <ResponsiveTable testId="team-members" caption={`Members of ${team.name}`}>
        <thead>
          <tr>
            <th scope="col">User</th>
            <th scope="col">Role</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {team.members.map((member) => (
            <tr key={member} data-testid="team-member">
              <th scope="row">
                {member}
                {member === me ? " (you)" : ""}
              </th>
              <td data-testid="member-role">{roleIn(team, member)}</td>
              <td>
                <MemberActions team={team} member={member} me={me} manages={manages} />
              </td>
            </tr>
          ))}
          {team.invited.map((invitee) => (
            <tr key={invitee} data-testid="team-invitee">
              <th scope="row">{invitee}</th>
              <td className="muted">invited, not answered</td>
              <td>
                {manages.members && (
                  <button
                    type="button"
                    disabled={withdraw.isPending}
                    onClick={() => withdraw.mutate(invitee)}
                    aria-label={`Withdraw the invitation of ${invitee}`}
                  >
                    Withdraw
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </ResponsiveTable>
      <p className="muted small">Created {formatDateTime(team.created_at)}</p>
      {manages.members ? (
        <InviteForm team={team} />
      ) : (
        <p className="muted small" data-testid="invite-hint">
          The owner{team.owner ? ` (${team.owner})` : ""} and the team&apos;s admins invite new members.
        </p>
      )}
    </li>
  );
}

function CreateTeamForm() {
  const create = useCreateTeam();
  const [name, setName] = useState("");
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(name.trim(), { onSuccess: () => setName("") });
  }
  return (
    <form className="card" onSubmit={submit} aria-labelledby="new-team-title" data-testid="team-form">
      <h2 id="new-team-title">Create a team</h2>
      <p className="muted small">You become its first member; share models with it by setting their visibility to Team.</p>
      <FormError error={create.error} shownFields={["name"]} />
      <label htmlFor="team-name">Name</label>
      <input
        id="team-name"
        required
        maxLength={150}
        value={name}
        onChange={(event) => setName(event.target.value)}
        aria-invalid={fieldHasError(create.error, "name")}
        aria-describedby="team-name-errors"
      />
      <FieldErrors id="team-name-errors" error={create.error} field="name" />
      <button type="submit" className="primary" disabled={create.isPending || !name.trim()}>
        {create.isPending ? "Creating…" : "Create team"}
      </button>
    </form>
  );
}

export function TeamsPage() {
  const [page, setPage] = useState(1);
  const teams = useTeams(page);
  const session = useSession();
  const me = session.data?.username;
  return (
    <div className="page teams-page">
      <PageTitle title="Teams" />
      <h1>Teams</h1>
      <p className="muted">
        Members of a team see the models shared with it. The owner and admins invite; the invited user joins only by
        accepting. The owner makes members admins (and back), removes anyone and may hand the team to another member;
        admins remove plain members. Anyone may leave, the owner once someone else owns the team.
      </p>
      <Invitations />
      <div className="two-columns">
        <section className="grow" aria-labelledby="teams-title" aria-busy={teams.isFetching}>
          <h2 id="teams-title">{session.data?.is_staff ? "All teams" : "Your teams"}</h2>
          <PagedQueryView
            query={teams}
            page={page}
            onPage={setPage}
            loadingLabel="Loading teams…"
            empty={<p>You belong to no team. Create one, or accept an invitation.</p>}
          >
            {(results) => (
              <ul className="plain-list">
                {results.map((team) => (
                  <TeamItem key={team.id} team={team} me={me} isStaff={session.data?.is_staff ?? false} />
                ))}
              </ul>
            )}
          </PagedQueryView>
        </section>
        <aside className="side">
          <CreateTeamForm />
        </aside>
      </div>
    </div>
  );
}
