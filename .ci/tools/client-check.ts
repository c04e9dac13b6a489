// Type-checked (never run) by .ci/client-typecheck.sh against the types that
// openapi-typescript generates from the committed spec into ./generated/yui.ts.
// It uses the API the way a TypeScript client would, through openapi-fetch; when
// `tsc --strict` rejects a line here, the spec no longer describes a usable API.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/yui";

type Schemas = components["schemas"];
type JobView = Schemas["JobView"];
type TaskView = Schemas["TaskView"];
type Problem = Schemas["Problem"];
type SubmitRequest = Schemas["SubmitRequest"];

// Every `Paginated_X` must hold exactly `X` items (the list pages of the API).
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type PageName = keyof Schemas & `Paginated_${string}`;
type PageWithWrongItems = {
  [K in PageName]: K extends `Paginated_${infer X extends keyof Schemas & string}`
    ? Equal<Schemas[K]["items"][number], Schemas[X]> extends true ? never : K
    : K; // a page whose item schema does not exist under its own name
}[PageName];
const everyPageHoldsItsItemType: [PageWithWrongItems] extends [never] ? true : PageWithWrongItems = true;

const api = createClient<paths>({ baseUrl: "http://127.0.0.1:8080" });
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

// Error codes are an enum in the spec: a client can branch on them exhaustively.
type ErrorCode = Problem["code"];
const retryable: ErrorCode[] = ["version_conflict", "contention", "unavailable"];
// @ts-expect-error "no_such_code" is not a code the API answers with.
const unknownCode: ErrorCode = "no_such_code";

class ApiError extends Error {
  constructor(readonly problem: Problem) {
    // A Problem carries a stable code and, for invalid input, one entry per field.
    const fields = (problem.errors ?? []).map((e) => `${e.field}: ${e.code}`);
    super(`${problem.status} ${problem.code}: ${problem.detail} ${fields.join(", ")}`);
  }
}

// Log in: a LoginRequest in, a TokenResponse out, a Problem on 401/403/422/429.
export async function login(email: string, password: string): Promise<string> {
  const { data, error } = await api.POST("/v1/auth/login", { body: { email, password } });
  if (error) throw new ApiError(error);
  const expiresInSeconds: number = data.expires_in;
  return expiresInSeconds > 0 ? data.access_token : data.refresh_token;
}

// Walk every page of a job list: items are JobView, next_cursor feeds the next call.
export async function allJobs(token: string, status?: JobView["status"]): Promise<JobView[]> {
  const jobs: JobView[] = [];
  let cursor: string | undefined;
  do {
    const { data, error } = await api.GET("/v1/jobs", {
      params: { query: { status, limit: 100, cursor } },
      headers: auth(token),
    });
    if (error) throw new ApiError(error);
    jobs.push(...data.items);
    cursor = data.next_cursor ?? undefined;
  } while (cursor);
  return jobs;
}

// A job's tasks, then the worker hands in a result with a structured JSON payload.
export async function submitFirstOpenTask(token: string, jobId: string): Promise<number | null> {
  const tasks = await api.GET("/v1/jobs/{id}/tasks", { params: { path: { id: jobId } }, headers: auth(token) });
  if (tasks.error) throw new ApiError(tasks.error);
  const task: TaskView | undefined = tasks.data.items.find((t) => t.status === "in_progress");
  if (!task) return null;
  const result: SubmitRequest = {
    result_text: "42 boxes labelled",
    links: ["https://files.example/result.csv"],
    payload: { boxes: [{ x: 10, y: 20, label: "car" }], reviewed: false },
  };
  const { data, error, response } = await api.POST("/v1/tasks/{id}/submissions", {
    params: { path: { id: task.id } },
    body: result,
    headers: auth(token),
  });
  if (error) {
    if (response.status === 409) return null; // not in a state that takes a submission
    throw new ApiError(error);
  }
  return data.version_number;
}

// A job's history: each event's details are read as JSON by a client.
export async function jobHistory(token: string, jobId: string): Promise<string[]> {
  const { data, error } = await api.GET("/v1/jobs/{id}/events", { params: { path: { id: jobId } }, headers: auth(token) });
  if (error) throw new ApiError(error);
  return data.items.map((e) => `${e.created_at} ${e.kind} ${JSON.stringify(e.details)}`);
}

void everyPageHoldsItsItemType;
void retryable;
void unknownCode;
