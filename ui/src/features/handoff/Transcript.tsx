import type { TranscriptLine } from "../../bindings";
import { forDisplay } from "../../lib/text";
import { formatShortInZone } from "../../lib/time";

const DEFAULT_NAMES: Record<string, string> = {
  visitor: "Visitor",
  bot: "Bot",
  agent: "Agent",
  system: "System",
};

/** Layout side per author; anything unknown is shown like a system line. */
function sideOf(author: string): "left" | "right" | "center" {
  if (author === "visitor") return "left";
  if (author === "bot" || author === "agent") return "right";
  return "center";
}

export function Transcript({ lines, timeZone }: { lines: TranscriptLine[]; timeZone: string }) {
  if (lines.length === 0) {
    return <p className="muted">No transcript was captured.</p>;
  }
  return (
    <ol className="transcript">
      {lines.map((line, i) => {
        const author = String(line.author);
        const side = sideOf(author);
        const authorClass = author === "visitor" || author === "bot" || author === "agent" ? author : "system";
        const name = line.name?.trim() || DEFAULT_NAMES[author] || author;
        return (
          <li
            key={i}
            className={`msg msg-${side} author-${authorClass}`}
            data-testid="transcript-line"
            data-author={author}
          >
            <div className="msg-meta">
              <bdi className="msg-name">{name}</bdi>
              {line.at && (
                <time dateTime={line.at} className="msg-time">
                  {formatShortInZone(line.at, timeZone)}
                </time>
              )}
            </div>
            <div className="msg-text" dir="auto">
              {forDisplay(line.text)}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
