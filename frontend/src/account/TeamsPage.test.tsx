import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { vi } from "vitest";
import { fakeServer } from "../test/fakeServer";
import { listed, user } from "../test/fixtures";
import { renderApp } from "../test/render";

const me = { ...user, is_staff: false };
const vision = {
  id: 4,
  name: "vision",
  owner: "grace",
  admins: [] as string[],
  members: ["ada", "grace"],
  invited: ["linus"],
  created_at: "2026-11-01T00:00:00Z",
};
const visionAdaAdmin = { ...vision, admins: ["ada"] };
const invitation = {
  id: 12,
  team: 9,
  team_name: "speech",
  invitee: "ada",
  invited_by: "grace",
  status: "pending",
  created_at: "2026-11-20T00:00:00Z",
  responded_at: null,
};

afterEach(() => vi.restoreAllMocks());

describe("TeamsPage", () => {
  it("is in the main navigation", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: me },
      "GET /api/v1/teams/": { body: listed([]) },
      "GET /api/v1/team-invitations/": { body: listed([]) },
    });
    const { router } = renderApp("/webhooks");
    await userEvent.setup().click(within(await screen.findByRole("navigation", { name: "Main" })).getByRole("link", { name: "Teams" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/teams"));
    expect(await screen.findByText(/You belong to no team/)).toBeTruthy();
  });

  it("lists the user's teams with members and pending invitees", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: me },
      "GET /api/v1/teams/": { body: listed([vision]) },
      "GET /api/v1/team-invitations/": { body: listed([]) },
    });
    renderApp("/teams");
    const row = await screen.findByTestId("team-row");
    expect(within(row).getByRole("heading", { name: "vision" })).toBeTruthy();
    expect(within(row).getAllByTestId("team-member").map((member) => member.textContent)).toEqual([
      "ada (you)member",
      "graceowner",
    ]);
    expect(within(row).getByTestId("team-invitee").textContent).toContain("invited, not answered");
    // No invitations for the user: the section is not shown.
    expect(screen.queryByTestId("invitations")).toBeNull();
  });

  it("invites a user, says they must accept, and refreshes the team", async () => {
    const invited = { ...visionAdaAdmin, invited: ["linus", "margaret"] };
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: me },
      "GET /api/v1/teams/": [{ body: listed([visionAdaAdmin]) }, { body: listed([invited]) }],
      "GET /api/v1/team-invitations/": { body: listed([]) },
      "POST /api/v1/teams/4/members/": {
        status: 201,
        body: { team: invited, invitation: { ...invitation, team: 4, team_name: "vision", invitee: "margaret", invited_by: "ada" } },
      },
    });
    renderApp("/teams");
    const userActions = userEvent.setup();
    await userActions.type(await screen.findByLabelText("Invite by username"), " margaret ");
    await userActions.click(screen.getByRole("button", { name: "Invite" }));
    expect((await screen.findByTestId("invite-notice")).textContent).toBe("Invited margaret: they join when they accept.");
    expect(requests.find((request) => request.method === "POST")?.body).toEqual({ username: "margaret" });
    await waitFor(() => expect(screen.getAllByTestId("team-invitee")).toHaveLength(2));
  });

  it("shows the API's refusal beside the username", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: me },
      "GET /api/v1/teams/": { body: listed([visionAdaAdmin]) },
      "GET /api/v1/team-invitations/": { body: listed([]) },
      "POST /api/v1/teams/4/members/": {
        status: 400,
        body: { detail: "Invalid input.", errors: { username: ["No active user named 'nobody'."] } },
      },
    });
    renderApp("/teams");
    const userActions = userEvent.setup();
    const input = await screen.findByLabelText("Invite by username");
    await userActions.type(input, "nobody");
    await userActions.click(screen.getByRole("button", { name: "Invite" }));
    expect((await screen.findByTestId("field-error-username")).textContent).toContain("No active user named 'nobody'.");
    expect(input.getAttribute("aria-invalid")).toBe("true");
  });

  it("accepts an invitation addressed to the user, who then sees the team", async () => {
    const speech = { id: 9, name: "speech", owner: "ada", admins: [], members: ["ada", "grace"], invited: [], created_at: "2026-11-01T00:00:00Z" };
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: me },
      "GET /api/v1/teams/": [{ body: listed([]) }, { body: listed([speech]) }],
      "GET /api/v1/team-invitations/": [{ body: listed([invitation]) }, { body: listed([]) }],
      "POST /api/v1/team-invitations/12/accept/": { body: { ...invitation, status: "accepted" } },
    });
    renderApp("/teams");
    const userActions = userEvent.setup();
    expect((await screen.findByTestId("invitation-row")).textContent).toContain("invited by grace");
    await userActions.click(screen.getByRole("button", { name: "Accept the invitation to speech" }));
    await waitFor(() => expect(screen.queryByTestId("invitations")).toBeNull());
    expect(within(await screen.findByTestId("team-row")).getByRole("heading", { name: "speech" })).toBeTruthy();
    expect(requests.filter((request) => request.method === "POST").map((request) => request.path)).toEqual([
      "/api/v1/team-invitations/12/accept/",
    ]);
  });

  it("declines an invitation", async () => {
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: me },
      "GET /api/v1/teams/": { body: listed([]) },
      "GET /api/v1/team-invitations/": [{ body: listed([invitation]) }, { body: listed([]) }],
      "POST /api/v1/team-invitations/12/decline/": { body: { ...invitation, status: "declined" } },
    });
    renderApp("/teams");
    await userEvent.setup().click(await screen.findByRole("button", { name: "Decline the invitation to speech" }));
    await waitFor(() => expect(screen.queryByTestId("invitations")).toBeNull());
    expect(requests.some((request) => request.path === "/api/v1/team-invitations/12/decline/")).toBe(true);
  });

  it("leaves a team after confirming, and not without", async () => {
    const confirm = vi.spyOn(window, "confirm").mockReturnValueOnce(false).mockReturnValueOnce(true);
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: me },
      "GET /api/v1/teams/": [{ body: listed([vision]) }, { body: listed([]) }],
      "GET /api/v1/team-invitations/": { body: listed([]) },
      "POST /api/v1/teams/4/leave/": { status: 204 },
    });
    renderApp("/teams");
    const userActions = userEvent.setup();
    const leave = await screen.findByRole("button", { name: "Leave team" });
    await userActions.click(leave);
    expect(requests.some((request) => request.method === "POST")).toBe(false);
    await userActions.click(leave);
    await waitFor(() => expect(screen.queryByTestId("team-row")).toBeNull());
    expect(confirm).toHaveBeenCalledTimes(2);
    expect(requests.filter((request) => request.method === "POST").map((request) => request.path)).toEqual([
      "/api/v1/teams/4/leave/",
    ]);
  });

  it("withdraws a pending invitation", async () => {
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: me },
      "GET /api/v1/teams/": [{ body: listed([visionAdaAdmin]) }, { body: listed([{ ...visionAdaAdmin, invited: [] }]) }],
      "GET /api/v1/team-invitations/": { body: listed([]) },
      "DELETE /api/v1/teams/4/members/linus/": { status: 204 },
    });
    renderApp("/teams");
    await userEvent.setup().click(await screen.findByRole("button", { name: "Withdraw the invitation of linus" }));
    await waitFor(() => expect(screen.queryByTestId("team-invitee")).toBeNull());
    expect(requests.some((request) => request.method === "DELETE")).toBe(true);
  });

  it("creates a team", async () => {
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: me },
      "GET /api/v1/teams/": [{ body: listed([]) }, { body: listed([vision]) }],
      "GET /api/v1/team-invitations/": { body: listed([]) },
      "POST /api/v1/teams/": { status: 201, body: vision },
    });
    renderApp("/teams");
    const userActions = userEvent.setup();
    await userActions.type(await screen.findByLabelText("Name"), "vision");
    await userActions.click(screen.getByRole("button", { name: "Create team" }));
    expect(await screen.findByTestId("team-row")).toBeTruthy();
    expect(requests.find((request) => request.method === "POST")?.body).toEqual({ name: "vision" });
  });

  describe("roles", () => {
    // ada's view of a team with an owner, an admin and plain members.
    const team = (owner: string, admins: string[]) => ({
      id: 4,
      name: "vision",
      owner,
      admins,
      members: ["ada", "grace", "linus", "mia"],
      invited: ["newbie"],
      created_at: "2026-11-01T00:00:00Z",
    });
    const routes = (body: ReturnType<typeof team>, extra: Record<string, unknown> = {}) => ({
      "GET /api/v1/auth/session/": { body: me },
      "GET /api/v1/teams/": { body: listed([body]) },
      "GET /api/v1/team-invitations/": { body: listed([]) },
      ...extra,
    });
    const buttonsOf = (row: HTMLElement) => within(row).queryAllByRole("button").map((button) => button.textContent);
    const memberRow = async (name: string) =>
      (await screen.findAllByTestId("team-member")).find((row) => row.querySelector("th")?.textContent?.startsWith(name))!;

    it("shows each member's role, and the owner every control but on their own row", async () => {
      fakeServer(routes(team("ada", ["grace"])));
      renderApp("/teams");
      expect((await screen.findByTestId("my-role")).textContent).toBe("You are the owner.");
      expect(screen.getAllByTestId("member-role").map((cell) => cell.textContent)).toEqual([
        "owner",
        "admin",
        "member",
        "member",
      ]);
      expect(buttonsOf(await memberRow("ada"))).toEqual([]);
      expect(buttonsOf(await memberRow("grace"))).toEqual(["Make member", "Make owner", "Remove"]);
      expect(buttonsOf(await memberRow("linus"))).toEqual(["Make admin", "Make owner", "Remove"]);
      // with others in the team the owner cannot simply leave
      expect(screen.queryByRole("button", { name: "Leave team" })).toBeNull();
      expect(screen.getByTestId("leave-hint").textContent).toContain("make someone else the owner first");
      expect(screen.getByLabelText("Invite by username")).toBeTruthy();
    });

    it("promotes a member and demotes an admin, and shows the refreshed team", async () => {
      const { requests } = fakeServer(
        routes(team("ada", ["grace"]), {
          "GET /api/v1/teams/": [{ body: listed([team("ada", ["grace"])]) }, { body: listed([team("ada", ["grace", "linus"])]) }],
          "PATCH /api/v1/teams/4/members/linus/": { body: team("ada", ["grace", "linus"]) },
          "PATCH /api/v1/teams/4/members/grace/": { body: team("ada", ["linus"]) },
        }),
      );
      renderApp("/teams");
      const user = userEvent.setup();
      await user.click(await screen.findByRole("button", { name: "Make linus an admin" }));
      expect(await screen.findByRole("button", { name: "Make linus a member" })).toBeTruthy();
      await user.click(screen.getByRole("button", { name: "Make grace a member" }));
      const patches = requests.filter((request) => request.method === "PATCH");
      expect(patches.map((request) => [request.path, request.body])).toEqual([
        ["/api/v1/teams/4/members/linus/", { role: "admin" }],
        ["/api/v1/teams/4/members/grace/", { role: "member" }],
      ]);
    });

    it("hands the team over only after confirming", async () => {
      const confirm = vi.spyOn(window, "confirm").mockReturnValueOnce(false).mockReturnValueOnce(true);
      const { requests } = fakeServer(
        routes(team("ada", []), {
          "GET /api/v1/teams/": [{ body: listed([team("ada", [])]) }, { body: listed([team("mia", ["ada"])]) }],
          "POST /api/v1/teams/4/transfer/": { body: team("mia", ["ada"]) },
        }),
      );
      renderApp("/teams");
      const user = userEvent.setup();
      const transfer = await screen.findByRole("button", { name: "Transfer ownership of vision to mia" });
      await user.click(transfer);
      expect(requests.some((request) => request.method === "POST")).toBe(false);
      await user.click(transfer);
      await waitFor(() => expect(screen.getByTestId("my-role").textContent).toBe("You are an admin."));
      expect(confirm.mock.calls[1]?.[0]).toBe("Make mia the owner of vision? You stay in the team as an admin.");
      expect(requests.find((request) => request.method === "POST")?.body).toEqual({ username: "mia" });
      // now an admin: no role controls, but plain members can still be removed
      expect(buttonsOf(await memberRow("linus"))).toEqual(["Remove"]);
      expect(buttonsOf(await memberRow("mia"))).toEqual([]);
      expect(screen.getByRole("button", { name: "Leave team" })).toBeTruthy();
    });

    it("lets an admin invite and remove plain members only", async () => {
      vi.spyOn(window, "confirm").mockReturnValue(true);
      const { requests } = fakeServer(
        routes(team("grace", ["ada", "mia"]), { "DELETE /api/v1/teams/4/members/linus/": { status: 204 } }),
      );
      renderApp("/teams");
      expect((await screen.findByTestId("my-role")).textContent).toBe("You are an admin.");
      expect(buttonsOf(await memberRow("grace"))).toEqual([]);
      expect(buttonsOf(await memberRow("mia"))).toEqual([]);
      expect(buttonsOf(await memberRow("ada"))).toEqual([]);
      expect(screen.getByRole("button", { name: "Withdraw the invitation of newbie" })).toBeTruthy();
      expect(screen.getByLabelText("Invite by username")).toBeTruthy();
      await userEvent.setup().click(screen.getByRole("button", { name: "Remove linus from vision" }));
      await waitFor(() => expect(requests.some((request) => request.method === "DELETE")).toBe(true));
      expect(requests.filter((request) => request.method === "DELETE").map((request) => request.path)).toEqual([
        "/api/v1/teams/4/members/linus/",
      ]);
    });

    it("offers a plain member no controls but leaving", async () => {
      fakeServer(routes(team("grace", ["mia"])));
      renderApp("/teams");
      expect((await screen.findByTestId("my-role")).textContent).toBe("You are a member.");
      const row = await screen.findByTestId("team-row");
      expect(buttonsOf(row)).toEqual(["Leave team"]);
      expect(screen.queryByLabelText("Invite by username")).toBeNull();
      expect(screen.getByTestId("invite-hint").textContent).toBe("The owner (grace) and the team's admins invite new members.");
    });

    it("says why the API refused a change made from a stale page", async () => {
      vi.spyOn(window, "confirm").mockReturnValue(true);
      fakeServer(
        routes(team("grace", ["ada"]), {
          "DELETE /api/v1/teams/4/members/linus/": {
            status: 403,
            body: { detail: "Only the owner of vision (grace) removes an admin.", errors: {} },
          },
        }),
      );
      renderApp("/teams");
      await userEvent.setup().click(await screen.findByRole("button", { name: "Remove linus from vision" }));
      expect((await screen.findByRole("alert")).textContent).toContain("Only the owner of vision (grace) removes an admin.");
    });
  });
});
