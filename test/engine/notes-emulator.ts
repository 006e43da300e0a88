import { EmulatorServer } from "../../src/emulator-kit/framework";

export interface Note {
  id: string;
  title: string;
  body: string;
  tags: string[];
  revision: number;
}

/** A minimal API for the kit's own engine test: token auth, CRUD, 404s. */
export function notesEmulator(token: string) {
  const notes = new Map<string, Note>();
  let seq = 0;
  const err = (status: number, message: string) => ({ status, body: { message } });
  const server = new EmulatorServer("notes", {
    before: (req) => (req.headers.authorization === `Token ${token}` ? undefined : err(401, "bad token")),
    decorate: (req, res) => {
      res.headers = { ...res.headers, "x-request-id": `notes-${req.id}` };
    },
    rateLimited: (s) => ({ status: 429, headers: { "retry-after": String(s) }, body: { message: "slow down" } }),
    serverError: (status, message) => err(status, message ?? "server error"),
    notFound: () => err(404, "no such path"),
  });
  server.route("POST", "/notes", (req) => {
    const b = req.body as Omit<Note, "id" | "revision">;
    const n: Note = { id: `note-${++seq}`, title: b.title, body: b.body, tags: b.tags ?? [], revision: 1 };
    notes.set(n.id, n);
    return { status: 201, body: n };
  });
  server.route("GET", "/notes/:id", (req) => {
    const n = notes.get(req.params.id);
    return n ? { status: 200, body: n } : err(404, "note not found");
  });
  server.route("PUT", "/notes/:id", (req) => {
    const n = notes.get(req.params.id);
    if (!n) return err(404, "note not found");
    const b = req.body as Partial<Note>;
    Object.assign(n, { title: b.title, body: b.body, tags: b.tags ?? [], revision: n.revision + 1 });
    return { status: 200, body: n };
  });
  server.route("DELETE", "/notes/:id", (req) => (notes.delete(req.params.id) ? { status: 204 } : err(404, "note not found")));
  return { server, notes };
}
