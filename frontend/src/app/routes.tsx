import { TeamsPage } from "../account/TeamsPage";
import { TokensPage } from "../account/TokensPage";
import { WebhooksPage } from "../account/WebhooksPage";
import { Navigate, type RouteObject } from "react-router";
import { LoginPage } from "../auth/LoginPage";
import { RequireSession } from "../auth/RequireSession";
import { Layout } from "../components/Layout";
import { DeploymentsPage } from "../deployments/DeploymentsPage";
import { HardwarePage } from "../hardware/HardwarePage";
import { JobsPage } from "../jobs/JobsPage";
import { ModelDetailPage } from "../models/ModelDetailPage";
import { ModelsPage } from "../models/ModelsPage";
import { NotFoundPage } from "./NotFoundPage";

// The pages that draw charts load with their own chunk (`lazy`): Recharts roughly doubles the
// bundle, and the models and jobs lists, where people land, draw none.
const chartPage = (load: () => Promise<{ Component: React.ComponentType }>) => ({ lazy: load });

// One place lists every console page; a new page is one entry here plus a nav link.
// Django answers index.html for all of these paths (platform/console/urls.py).
export const routes: RouteObject[] = [
  { path: "/login", element: <LoginPage /> },
  {
    element: <Layout />,
    children: [
      {
        element: <RequireSession />,
        children: [
          { index: true, element: <Navigate to="/models" replace /> },
          { path: "models", element: <ModelsPage /> },
          { path: "models/:modelId", element: <ModelDetailPage /> },
          { path: "jobs", element: <JobsPage /> },
          { path: "jobs/:jobId", ...chartPage(async () => ({ Component: (await import("../jobs/JobPage")).JobPage })) },
          { path: "compare", ...chartPage(async () => ({ Component: (await import("../jobs/ComparePage")).ComparePage })) },
          { path: "deployments", element: <DeploymentsPage /> },
          {
            path: "deployments/:deploymentId",
            ...chartPage(async () => ({ Component: (await import("../deployments/DeploymentPage")).DeploymentPage })),
          },
          { path: "dashboard", ...chartPage(async () => ({ Component: (await import("../dashboard/DashboardPage")).DashboardPage })) },
          { path: "hardware", element: <HardwarePage /> },
          { path: "teams", element: <TeamsPage /> },
          { path: "tokens", element: <TokensPage /> },
          { path: "webhooks", element: <WebhooksPage /> },
        ],
      },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];
