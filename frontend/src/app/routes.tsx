import { TokensPage } from "../account/TokensPage";
import { WebhooksPage } from "../account/WebhooksPage";
import { DashboardPage } from "../dashboard/DashboardPage";
import { Navigate, type RouteObject } from "react-router";
import { LoginPage } from "../auth/LoginPage";
import { RequireSession } from "../auth/RequireSession";
import { Layout } from "../components/Layout";
import { DeploymentPage } from "../deployments/DeploymentPage";
import { DeploymentsPage } from "../deployments/DeploymentsPage";
import { JobPage } from "../jobs/JobPage";
import { JobsPage } from "../jobs/JobsPage";
import { ModelDetailPage } from "../models/ModelDetailPage";
import { ModelsPage } from "../models/ModelsPage";
import { NotFoundPage } from "./NotFoundPage";

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
          { path: "jobs/:jobId", element: <JobPage /> },
          { path: "deployments", element: <DeploymentsPage /> },
          { path: "deployments/:deploymentId", element: <DeploymentPage /> },
          { path: "dashboard", element: <DashboardPage /> },
          { path: "tokens", element: <TokensPage /> },
          { path: "webhooks", element: <WebhooksPage /> },
        ],
      },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];
