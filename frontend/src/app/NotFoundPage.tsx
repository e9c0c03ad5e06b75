import { Link } from "react-router";

export function NotFoundPage() {
  return (
    <div className="page">
      <h1>Page not found</h1>
      <p>
        Nothing lives at this address. Go back to the <Link to="/models">models</Link>.
      </p>
    </div>
  );
}
