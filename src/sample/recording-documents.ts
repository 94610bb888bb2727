/**
 * Every text file of a sample recording (XML, SVG, JSON, WebVTT), with its path relative to the
 * recording directory. Media and pictures are encoded separately by ffmpeg.
 */
import { captionsVtt, CAPTION_LOCALE } from './captions-vtt.js';
import { chatXml } from './chat-xml.js';
import { cursorXml } from './cursor-xml.js';
import { deskshareXml } from './deskshare-xml.js';
import { metadataXml } from './metadata-xml.js';
import { panzoomsXml } from './panzooms-xml.js';
import type { SamplePlan } from './plan-sample.js';
import { shapesSvg } from './shapes-svg.js';
import { slideSvg } from './slide-svg.js';
import { tldrawJson } from './tldraw-json.js';

export interface RecordingDocument {
  path: string;
  content: string;
}

const json = (value: unknown) => `${JSON.stringify(value)}\n`;

export function recordingDocuments(plan: SamplePlan): RecordingDocument[] {
  const pres = `presentation/${plan.presentationId}`;
  const slides = Array.from({ length: plan.slideCount }, (_, i) => i + 1);
  const documents: RecordingDocument[] = [
    { path: 'metadata.xml', content: metadataXml(plan) },
    { path: 'shapes.svg', content: shapesSvg(plan) },
    { path: 'panzooms.xml', content: panzoomsXml(plan) },
    { path: 'cursor.xml', content: cursorXml(plan) },
    { path: 'slides_new.xml', content: chatXml(plan) },
    { path: 'captions.json', content: json([CAPTION_LOCALE]) },
    { path: `caption_${CAPTION_LOCALE.locale}.vtt`, content: captionsVtt(plan) },
    {
      path: 'polls.json',
      content: json(plan.polls.map((p) => ({ timestamp: p.time, type: 'YN', question: p.question, answers: p.answers, respondents: p.responders, responders: p.responders }))),
    },
    // Slide texts: the player's alternative text for thumbnails, BBB's textfiles for search.
    { path: 'presentation_text.json', content: json({ [plan.presentationId]: Object.fromEntries(slides.map((n) => [`slide-${n}`, `Slide ${n} of ${plan.slideCount}`])) }) },
    ...slides.map((n) => ({ path: `${pres}/textfiles/slide-${n}.txt`, content: `Slide ${n} of ${plan.slideCount}\n` })),
  ];
  if (plan.screenshare) documents.push({ path: 'deskshare.xml', content: deskshareXml(plan) });
  if (plan.whiteboard === 'tldraw') {
    documents.push({ path: 'tldraw.json', content: tldrawJson(plan) });
    documents.push(...slides.map((n) => ({ path: `${pres}/svgs/slide${n}.svg`, content: slideSvg(n, plan.slideCount) })));
  }
  return documents;
}
