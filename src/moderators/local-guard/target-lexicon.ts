import { buildPatternIndex, matchesAt } from "./pattern-index.ts";

// Who or what a harmful action is aimed at. An action verb ("kill", "smash", "steal") is only
// strong evidence when it lands on a person, a crowded place or someone else's property:
// "kill a Python process" and "smash a ball" name no such target.

/** The kinds of target an action can land on. */
export type TargetClass =
  | "human"
  | "pronoun"
  | "named"
  | "body"
  | "venue"
  | "property"
  | "self"
  | "group"
  | "private"
  | "animal"
  | "system";

/** A target found in a text, with its position (the text is normalised, same length as the original). */
export interface TargetHit {
  target: TargetClass;
  text: string;
  start: number;
  end: number;
}

const RELATION =
  "wife|husband|spouse|partner|girlfriend|boyfriend|fianc[eé]e?|ex|ex[- ]?(?:wife|husband|girlfriend|boyfriend|partner)|mother|mom|mum|father|dad|parents?|sister|brother|sibling|son|daughter|family|grand(?:parent|mother|father|ma|pa)|neighbou?r|boss|manager|coworker|co-worker|colleague|teacher|professor|classmate|friend|roommate|flatmate|landlord|tenant|date|tinder date|uncle|aunt|cousin|nephew|niece|rival|enemy|bully|stepdad|stepmother|stepfather|baby|child|kid|toddler|infant|teen|teenager|students?|employees?|employer|secretary";

const PERSON_NOUN =
  "man|woman|boy|girl|child|kid|baby|infant|toddler|teen|teenager|student|stranger|guy|lady|cop|policeman|police officer|officer|soldier|politician|senator|judge|journalist|reporter|witness|patient|nurse|doctor|president|governor|mayor|ceo|leader|minister|victim|hostage|passenger|pedestrian|customer|client|person|human|human being|individual|neighbou?r|worker|child laborer|whistleblower|informant|cashier|guard|poster|original poster|commenter|author|speaker|streamer|sender|recipient|[0-9]+[- ]year[- ]old(?: child| kid| boy| girl| baby)?|(?:one|two|three|four|five|six|seven|eight|nine|ten)[- ]year[- ]old(?: child| kid| boy| girl| baby)?";

// "my student loan", "the patient portal": the person noun only modifies a thing.
const COMPOUND =
  " (?:loans?|debt|cards?|accounts?|visas?|ids?|housing|unions?|council|records?|portal|dorm|discounts?|years|services?|support|benefits?|insurance|plan|rights|group|agency|advocate)\\b";

const SOURCES: Record<TargetClass, string> = {
  human: `\\b(?:someone|somebody|anyone|others|other people|anybody|everyone|everybody|people|persons|humans|humanity|human beings|individuals|civilians|crowds?|hostages|victims|witnesses|passengers|pedestrians|patients|children|kids|babies|infants|toddlers|women|girls|teens|teenagers|minors|population|villagers|residents|citizens|protesters|worshippers|spectators|voters|classmates|coworkers|colleagues|employees|students|lots of people|as many people|mankind|the president|the prime minister|the police|cops|police officers|(?:a|an|the|my|his|her|their|your|our|this|that|some|one|another) (?:[a-z-]+ ){0,3}?(?:${PERSON_NOUN}|${RELATION})(?:'s|s'|s)?(?!${COMPOUND})|my (?:${RELATION})(?:'s|s'|s)?(?!${COMPOUND})|(?:${PERSON_NOUN})'s)(?![a-z])`,
  // "them" and "it" are as often things as people ("crush them", "mix it"), so only he and she count.
  pronoun: "\\b(?:him|her|himself|herself)\\b",
  named: "",
  body: "\\b(?:(?:a |the |his |her |their )?(?:dead |human )?(?:body|bodies|corpse|corpses|remains)|dead (?:baby|child|person|wife|husband|man|woman|human))\\b",
  venue:
    "\\b(?:hospitals?|schools?|universit(?:y|ies)|campus|church(?:es)?|mosques?|synagogues?|temples?|concerts?|stadiums?|arenas?|airports?|planes?|aircraft|airliners?|passenger jet|flights?|trains?|subways?|metro|buses|malls?|supermarkets?|markets?|festivals?|parades?|rall(?:y|ies)|cit(?:y|ies)|villages?|towns?|(?:army|military) bases?|embass(?:y|ies)|power (?:plants?|grid|stations?)|water supply|reservoir|government (?:buildings?|offices?)|parliament|capitol|police stations?|courthouse|nightclubs?|theat(?:er|re)s?|cinemas?|office building|skyscrapers?|bridges?|dams?|pipelines?|houses?|homes?|buildings?|apartments?|banks?|bank vaults?|vaults?|stores?|shops?|casinos?|museums?|gas stations?|restaurants?|daycare|kindergarten|playground|crowded (?:place|area|street)s?|public property|transportation systems?|transport systems?|railways?|rail network|traffic lights|power lines|infrastructure|water treatment plants?|hospitals? computer systems?)\\b",
  property:
    "\\b(?:someone's|somebody's|other people's|people's|[a-z]+'s|[a-z]+s') (?:[a-z-]+ )?(?:car|cars|tires|tyres|house|home|motorbike|motorcycle|bike|phone|laptop|computer|property|business|shop|store|garden|windows?|life|reputation|career|marriage|relationship|pets?|dog|cat|wallet|purse|mailbox|website|account|accounts)\\b",
  self: "(?<!\\b(?:for|by|to|with) )\\b(?:myself|my own (?:life|body|arm|wrist|leg|thigh|artery|vein|throat|neck|skin)|my (?:[a-z-]+ )?(?:wrists?|arms?|legs?|thighs?|arter(?:y|ies)|veins?|throat|neck|skin|stomach|body|life))\\b",
  group: "",
  system:
    "\\b(?:computers?|computer systems?|(?:[a-z]+ )?systems?|networks?|servers?|websites?|web ?sites?|databases?|accounts?|devices?|phones?|smartphones?|apps?|software|routers?|webcams?|drones?|atms?|atm machines?|voting machines?|smart home devices?|control systems?|emails?|inbox(?:es)?|wi-?fi|cars?|vehicles?|jeeps?|pacemakers?|laborator(?:y|ies)|labs?)\\b",
  private: "",
  animal:
    "\\b(?:(?:a|the|my|his|her|their|neighbou?rhood|stray|neighbou?r's) )?(?:dogs?|cats?|puppy|puppies|kittens?|pets?|horses?|animals?)\\b",
};

/** Protected groups (race, ethnicity, religion, nationality, gender, orientation, disability, age, status). */
export const PROTECTED_GROUP =
  "(?:black|white|asian|brown|indigenous|native|aboriginal|jewish|muslim|christian|hindu|buddhist|sikh|arab|latino|hispanic|romani|roma|gay|lesbian|bisexual|queer|trans|transgender|non-binary|nonbinary|asexual|intersex|disabled|elderly|old|homeless|poor|divorced|pregnant|immigrant|migrant|refugee|mexican|chinese|african|pakistani|indian|muslim|lgbtq?\\+?|minority) (?:people|persons|folks|women|men|individuals|communit(?:y|ies)|groups?|colleagues?|classmates?|neighbou?rs|students|kids|children|immigrants|families|voters|citizens|americans|person)|people with disabilit(?:y|ies)|people on (?:benefits|welfare)|(?:the )?(?:jews|muslims|christians|hindus|buddhists|sikhs|atheists|immigrants|migrants|refugees|asylum seekers|latinos|latinas|hispanics|roma|gypsies|gays|lesbians|transgenders|blacks|whites|asians|arabs|mexicans|africans|pakistanis|minorities|minority groups|women|men|girls|the elderly|the disabled|natives|indigenous people)";

// The nouns a private person's sensitive record can be about; public figures and fictional
// characters are named instead, so they are not matched.
const PRIVATE_ROLE = `${RELATION}|cleaner|therapist|doctor|roofer|tinder match|match|babysitter|nanny|maid|gardener|business rival|house servant|servant|probation officer|mentee|mentor|crush|client|patient|customer|tutor|coach|plumber|driver|nurse|pastor|lawyer|accountant|contractor|supervisor|subordinate|intern|assistant|housekeeper|caretaker|carer`;

SOURCES.private = `\\b(?:my (?:[a-z-]+ ){0,2}?(?:${PRIVATE_ROLE})(?:'s|s'|s)?|(?:someone|somebody|a stranger|strangers|a coworker|a colleague|an employee|employees|other people|celebrities|a celebrity|a person|a user|users|customers|patients|people)(?:'s|')|is my (?:${PRIVATE_ROLE}))(?![a-z])`;
SOURCES.group = `\\b(?:${PROTECTED_GROUP}|(?:a |any )?(?:particular|specific|certain) (?:race|religion|ethnicity|ethnic group|group|community|minority)(?: or (?:race|religion|ethnicity|ethnic group))?)\\b`;

const TARGET_INDEX = buildPatternIndex(
  (Object.keys(SOURCES) as TargetClass[])
    .filter((target) => SOURCES[target] !== "")
    .map((target) => ({ target, pattern: new RegExp(SOURCES[target], "g") })),
);

// Two or more capitalised words, not at the start of a sentence: "Joe Biden", "Rishi Sunak".
const NAMED_PERSON = /(?<![.!?]\s|^)\b[A-Z][a-z]+(?:[- ][A-Z][a-z]+)+\b/g;

// "I own it": destroying your own shed or building is not an attack.
export const OWN_PROPERTY = /\b(?:my own|my old|i own|we own|that i own|our own|my (?:garden )?shed)\b/;

/** Every target in a normalised text; `original` is the same text before lowercasing. */
export function findTargets(normalised: string, original: string): TargetHit[] {
  const hits: TargetHit[] = [];
  for (const { item, sticky, starts } of TARGET_INDEX.candidates(normalised)) {
    const target = item.target;
    for (const match of matchesAt(normalised, item.pattern, sticky, starts)) {
      hits.push({ target, text: match[0], start: match.index, end: match.index + match[0].length });
    }
  }
  for (const match of original.matchAll(NAMED_PERSON)) {
    hits.push({
      target: "named",
      text: match[0],
      start: match.index,
      end: match.index + match[0].length,
    });
  }
  return hits;
}
