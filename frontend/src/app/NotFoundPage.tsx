import { Link } from "react-router";
import { PageTitle } from "../components/PageTitle";

export function NotFoundPage() {
  return (
    <div className="page">
      <PageTitle title="Not found" />
      <h1>Page not found</h1>
      <p>
        Nothing lives at this address. Go back to the <Link to="/models">models</Link>.
      </p>
    </div>
  );
}
