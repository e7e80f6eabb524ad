/**
 * The challenge brief: a pure model built from a board (`buildBrief`) and the renderers that need
 * no server (Markdown, HTML, JSON). PDF and DOCX are rendered in `server/brief/`.
 */
export {
  BRIEF_SCHEMA_VERSION,
  boardVersion,
  buildBrief,
  type BriefContributors,
  type BriefIdea,
  type BriefNote,
  type BriefOrganisation,
  type BriefPerson,
  type BriefProblem,
  type BriefProvenance,
  type BriefRankEntry,
  type BriefRound,
  type BriefSector,
  type BriefSectorGroup,
  type BriefTheme,
  type BuildBriefInput,
  type ChallengeBrief,
  type ExportRole,
  type IdeaVotes,
  type SectorVotes,
} from './brief.ts';
export { layoutBrief, type BriefDocument, type DocBlock } from './layout.ts';
export { renderMarkdown } from './markdown.ts';
export { renderHtml, escapeHtml } from './html.ts';
export { BRIEF_JSON_FORMAT, BRIEF_JSON_SCHEMA_ID, BriefJsonError, briefToJson, parseBriefJson, renderJson, type ChallengeBriefJson } from './json.ts';
export { BRIEF_FORMATS, briefFileName, isBriefFormat, type BriefFormat } from './formats.ts';
