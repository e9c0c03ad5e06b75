import { useState } from "react";
import { Link } from "react-router";
import { useJobs } from "../api/queries";
import { PagedQueryView } from "../components/PagedQueryView";
import { StatusBadge } from "../components/StatusBadge";
import { formatDateTime, formatSpeedup } from "../format/numbers";
import { asReport } from "./report";
import { PageTitle } from "../components/PageTitle";

export function JobsPage() {
  const [page, setPage] = useState(1);
  const jobs = useJobs(page);
  return (
    <div className="page jobs-page">
      <PageTitle title="Jobs" />
      <h1>Optimization jobs</h1>
      <PagedQueryView
        query={jobs}
        page={page}
        onPage={setPage}
        loadingLabel="Loading jobs…"
        empty={
          <p>
            No optimizations yet. Open a <Link to="/models">model</Link> and press Optimize.
          </p>
        }
      >
        {(results) => (
          <div className="table-scroll">
            <table data-testid="jobs-table">
              <thead>
                <tr>
                  <th scope="col">Job</th>
                  <th scope="col">Model</th>
                  <th scope="col">Recipe</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="number">
                    Speed-up
                  </th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {results.map((job) => (
                  <tr key={job.id} data-testid="job-row">
                    <td>
                      <Link to={`/jobs/${job.id}`}>#{job.id}</Link>
                    </td>
                    <td>{job.model_name}</td>
                    <td>{job.recipe}</td>
                    <td>
                      <StatusBadge status={job.status} /> {job.status === "running" ? `${job.progress}%` : ""}
                    </td>
                    <td className="number">{formatSpeedup(asReport(job.report)?.overall?.speedup)}</td>
                    <td>{formatDateTime(job.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </PagedQueryView>
    </div>
  );
}
