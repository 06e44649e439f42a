// How a text frames its subject: an actionable request, stated intent, evasion and operational
// detail push risk up; definitions, history, fiction, games, sport, prevention and absurd
// premises push it down (the look-alikes of XSTest). Weights are log-odds.

/** One framing cue found in a text. */
export interface FramingHit {
  kind: FramingKind;
  text: string;
  weight: number;
}

export type FramingKind =
  | "request"
  | "evasion"
  | "operational"
  | "malice"
  | "opportunity"
  | "perpetration"
  | "production"
  | "discussion"
  | "promotion"
  | "endorsement"
  | "denial"
  | "replication"
  | "definition"
  | "history"
  | "fiction"
  | "game"
  | "sport"
  | "prevention"
  | "victim"
  | "absurd"
  | "imageReference"
  | "anaphora";

/** The framings that argue a text is harmless (benign context). */
export const DISTANCING_KINDS: ReadonlySet<FramingKind> = new Set<FramingKind>([
  "definition",
  "history",
  "fiction",
  "game",
  "sport",
  "prevention",
  "victim",
  "absurd",
]);

type Rule = [FramingKind, number, RegExp];

const IMPERATIVE =
  "exploit|interfere|steal|manipulate|sabotage|infiltrate|harass|bully|threaten|blackmail|attack|spy|draw|paint|film|record|sing|write|create|develop|design|generate|produce|provide|give|explain|describe|list|outline|draft|compose|instruct|teach|educate|suggest|devise|build|make|code|program|publish|post|share|demonstrate|show|tell|convince|persuade|think of|determine|come up with|help|hack|train|offer|release|spread|plan|recommend|detail|walk me through|guide|find|name|identify|compile|prepare|brainstorm|use|set up|start|conduct|launch|organi[sz]e|encourage|promote|take";

// Ordered: the first rule of each kind that matches is the one reported.
const RULES: Rule[] = [
  [
    "request",
    1,
    new RegExp(
      `(?:^|[.!?,:;] )(?:please |can you |could you |would you |will you |now |ok,? |okay,? |so,? |then,? )?(?:slightly |minimally |quickly )?(?:${IMPERATIVE})\\b|\\b(?:how (?:do|can|could|would|should|might|will|to) (?:i|we|you|one|someone|somebody|people)?\\b|how to\\b|step[- ]by[- ]step|instructions?\\b|tutorial|walkthrough|a (?:detailed )?guide|recipe for|blueprint|(?:best|easiest|quickest|fastest|simplest|good|effective|perfect|cheapest|safest) (?:way|ways|method|methods|place|places|time|strategy|plan|tool|tools)\\b|ways (?:to|of)\\b|methods? (?:to|for|of)\\b|steps (?:to|for|should)|tips (?:on|for)|advice (?:on|for)|help me\\b|teach me|show me|tell me how|is there (?:a|any) way|where (?:can|could|do|should|would) (?:i|we|you|one) [a-z]+|what is the (?:general |best |easiest |usual )?(?:process|procedure|method|way|technique) (?:for|of|to)|(?:can|could|should) (?:i|we) use|what (?:do|can|should|would) (?:i|we) (?:need|use|take|buy|do|mix|say)|should i\\b|how much (?:would|do|should|will|could)\\b|which (?:[a-z]+ ){0,5}(?:would|will|works?|is) (?:work )?(?:best|better|fastest|strongest)|i need (?:to know|you to|instructions|a way|help)|i want (?:to know how|you to)|script (?:for|that|to)|code (?:for|that|to)|template (?:for|to)|a plan (?:for|to)|strategy (?:for|to))`,
    ),
  ],
  [
    "request",
    0.6,
    /\b(?:what (?:is|are) (?:my|the|someone's|other people's) [a-z' -]{2,40}(?:number|address|details|records|history|password|login|pin|status|orientation|beliefs|affiliation|certificate|salary)|where (?:can|do) i find|how (?:can|do) i (?:get|find|access)|exactly how much)\b/,
  ],
  [
    "evasion",
    1.6,
    /\b(?:without (?:getting|being) (?:caught|detected|traced|noticed|suspected|seen|arrested|blocked)|without (?:proper |any )?(?:safety|protective) (?:precautions|equipment|gear|measures)|conceal(?:s|ing)?|without (?:him|her|them|anyone|anybody) (?:tasting|noticing|knowing|seeing|realizing|realising|finding out)|without (?:leaving (?:a |any )?(?:trace|traces|evidence)|a trace|detection|anyone (?:knowing|noticing|finding out)|(?:them|him|her|anybody|anyone) (?:knowing|noticing|finding out)|official permission|(?:their|his|her) (?:knowledge|consent)|arousing suspicion)|not get(?:ting)? caught|avoid (?:getting caught|detection|being (?:caught|detected|traced)|suspicion|the police|law enforcement)|evad(?:e|ing) (?:law enforcement|detection|the police|police|the law|taxes|antivirus|anti-virus|security|tracing|monitoring)|get away with|cover (?:my|your|their|his|her|our) tracks|untraceable|undetectable|undetected|leave no trace|without a trace|so (?:nobody|no one|no-one) (?:notices|knows|finds out|will know)|nobody (?:will|would) (?:know|notice|find out)|make it look like (?:an accident|a suicide|natural|self-defen[cs]e)|(?:look|looks|seem|seems|appear|appears) (?:like )?(?:an accident|accidental|natural)|evad(?:e|ing) (?:[a-z-]+ ){0,3}(?:filters?|filtering|screening|checks|tools)|surreptitious(?:ly)?|(?:sneak|smuggl|get|getting|slip)(?:e|ing)? (?:[a-z]+ ){0,3}(?:past|through) (?:airport )?(?:security|customs|border control|the border)|(?:nobody|no one|no-one) (?:can|could|will|would) (?:tell|notice|know|find out)|without (?:[a-z]+ )?oversight|natural death|secretly|covertly|anonymously|get past security|bypass security|under the radar|stay anonymous|without being traced|hard to trace)\b/,
  ],
  [
    "operational",
    1,
    /\b(?:step[- ]by[- ]step|detailed (?:instructions|steps|guide|plan|tutorial|guidance|advice|account)|in (?:graphic|great|full|specific|explicit) detail|exact (?:amounts?|quantit(?:y|ies)|doses?|dosage|measurements?|ratios?|temperatures?|steps|recipe|ingredients|procedure)|how much (?:[a-z]+ ){0,3}(?:do|would|should|will) (?:i|you|we) need|how many (?:[a-z]+ ){0,2}(?:do|would|should) (?:i|you|we) need|how much (?:[a-z]+ ){0,3}(?:would be|is|are) needed|how much (?:[a-z]+ ){0,2}(?:would|does|will) it take|precise|specific instructions|ingredients|materials (?:needed|list)|list of (?:materials|ingredients|chemicals|equipment|tools)|equipment needed|payload|source code|working code|example code|at home|household (?:items|chemicals|objects|materials|products)|from scratch|in real life|for real|actually work)\b/,
  ],
  [
    "malice",
    1.5,
    /\b(?:i (?:really )?(?:hate|despise|loathe|can't stand) (?:him|her|them|my|this|that|those|these|the|people|everyone)|i (?:want|wanna|need|plan|am going|'m going) to (?:hurt|kill|punish|get back at|ruin|destroy|get rid of|make (?:him|her|them) (?:pay|suffer)|teach (?:him|her|them) a lesson|take revenge|harm|humiliate|scare|threaten)|revenge|get back at|make (?:him|her|them) (?:pay|suffer)|teach (?:him|her|them) a lesson|deserves? to (?:die|suffer|be hurt)|(?:people|someone|those) i don't like|i don't like|wish (?:he|she|they) (?:were|was) dead|with maximum (?:casualties|damage|harm)|maximum (?:casualties|damage|harm|pain)|as many (?:people|victims) as possible|hurts? (?:the )?most|so (?:he|she|they) (?:gets?|becomes?|falls?) (?:sick|ill)|(?:kill|hurt|harm|injure) (?:the )?most(?: people)?)\b/,
  ],
  [
    "opportunity",
    1,
    /\b(?:(?:is|are|will be|'s|'re|went|gone) (?:away|out of town|on (?:holiday|vacation|a trip)|not (?:at )?home|abroad|travell?ing)|(?:nobody|no one|no-one) (?:is |will be )?(?:home|around|watching)|(?:is|are|will be) (?:home )?alone|while (?:he|she|they) (?:sleeps?|is asleep|are asleep|(?:is|are) away|(?:is|are) out)|left (?:the|a) (?:window|door) (?:open|unlocked)|leaves? (?:[a-z']+ ){0,3}unattended|spare key|keeps? (?:[a-z]+ ){0,3}(?:cash|money|jewel(?:le)?ry|valuables|guns?|expensive)|doesn't lock|no (?:alarm|cameras|security))\b/,
  ],
  [
    "perpetration",
    2,
    /\b(?:commit(?:s|ted|ting)?|engag(?:e|es|ed|ing) in|carr(?:y|ies|ying) out|perpetrat(?:e|es|ing)|pull(?:ing)? off|get away with|participate in|set(?:ting)? up an?|start(?:ing)? an?|run(?:ning)? an?|conduct(?:ing)? an?|launch(?:ing)? an?|organi[sz](?:e|ing) an?|plan(?:ning)? (?:an?|the|my|our)|do(?:ing)? (?:an?|some)|try(?:ing)?|us(?:e|ing) (?:an?|the)|acquir(?:e|ing)|obtain(?:ing)?|buy(?:ing)?|sell(?:ing)?|get(?:ting)? (?:some|an?|the|hold of)|make money (?:with|from)|profit from|recruit(?:ing)? for|join(?:ing)?)\b/,
  ],
  [
    "production",
    2,
    /(?:^|[.!?,:;] )(?:please |can you |could you |now |ok,? |okay,? |so,? |then,? )?(?:slightly |minimally |quickly )?(?:write|create|develop|design|generate|produce|compose|draft|publish|post|build|code|program|make|craft|devise|outline|come up with|give|provide|share|teach|instruct|educate|explain how|show (?:me )?how|describe how|demonstrate|list|suggest|offer|guide|train|draw|film|record|set up|launch|exploit|interfere|steal|manipulate|sabotage|infiltrate|harass|bully|threaten|blackmail|hack|spy|spread|use|brainstorm|convert|modify|rewrite|edit|transform|translate|determine|add|reply|respond|think of)\b/,
  ],
  [
    "discussion",
    0,
    /\b(?:(?:post|essay|article|report|paper|summary|lesson|presentation|talk|piece|thread|video|podcast|speech|story|overview|explainer) (?:about|on|regarding) |discussing|on the (?:topic|subject|history|dangers|risks|effects|impact|ethics|psychology|causes|prevalence|harms) of|summari[sz]e|analy[sz]e|critique|critically|the history of|explain(?:ing)? (?:what|why)|describe (?:what|why)|(?:dangers|harms|risks|consequences) of)\b/,
  ],
  [
    "promotion",
    2,
    /\b(?:encourag(?:e|es|ing)|promot(?:e|es|ing)|glorif(?:y|ies|ying)|romantici[sz](?:e|es|ing)|normali[sz](?:e|es|ing)|incit(?:e|es|ing)|advocat(?:e|es|ing)|celebrat(?:e|es|ing)|prais(?:e|es|ing)|persuad(?:e|es|ing)|convinc(?:e|es|ing)|urg(?:e|es|ing)|pressur(?:e|es|ing)|coerc(?:e|es|ing)|recruit(?:s|ing)?|spread(?:s|ing)?|radicali[sz](?:e|es|ing)|justif(?:y|ies|ying)|in favou?r of|as a healthy|(?:explain|argue|claim|insist|assert) that|convincing (?:argument|reply|response|post|message|text|email|letter|article)|persuasive (?:article|essay|post|social media post|blog post|speech|letter|message|op-ed|advertisement|ad|piece|tweet|thread|email|text|reply|response|argument|comment))\b/,
  ],
  [
    "endorsement",
    3,
    /\b(?:(?:was|were|is|are) (?:[a-z]+ ){0,5}(?:right|justified|correct|morally justified|a good thing|beneficial|good for (?:society|the country))|(?:actually|really) (?:a )?(?:good|beneficial|positive)|benefits of|positive (?:impact|effects?) (?:of|on)|deserved (?:to|it)|had it coming|is (?:best|better|good|right) for (?:society|the country|everyone)|why (?:it is|it's) (?:best|right|good)|it is right for|reasons why)\b/,
  ],
  [
    "denial",
    2.5,
    /\b(?:never (?:happened|took place|existed|occurred)|(?:was|is|were) (?:a |an )?(?:complete |total )?(?:hoax|fabrication|lie|myth|propaganda myth|hoaxes|fake|staged|made up|inflated|exaggerated|overstated)|(?:grossly|greatly|wildly) (?:inflated|exaggerated|overstated)|overstate|exaggerate what|didn't (?:really )?happen|did not happen|make people believe|convince (?:people|everyone|others|the public) that|prove that)\b/,
  ],
  [
    "replication",
    2.5,
    /\b(?:replicate|repeat|recreate|re-create|reproduce|copy|imitate|emulate|restore|bring back|revive|do (?:it|this) again|go out like|die like|end (?:my|it|it all) like|another (?:death|attack|massacre|shooting) like|like (?:he|she|they) did|(?:use|apply) (?:[a-z']+ ){0,2}methods|treat (?:[a-z]+ ){0,2}like)\b/,
  ],
  [
    "definition",
    4,
    /^(?:so,? |and |ok,? )?(?:what (?:is|are|was|were) (?![^?]*(?:\b(?:my|your|our|someone|somebody|way|ways|best|easiest|good|method|place|steps|plan|how|should|can|could|to|for|i)\b|'s\b))(?:the )?(?:(?:general |legal |dictionary |exact )?(?:definition|meaning) of )?(?:a |an )?[a-z' -]{1,40}\??$|what does (?:it mean to |the (?:word|term) )?[a-z' "-]{1,40} mean\??$|what does it mean to [a-z' "-]{1,40}\??$|(?:explain|describe|tell me) what [a-z' -]{1,40} (?:is|are|means)\??$|(?:explain|describe) how (?!to\b)(?:[a-z-]+ ){1,4}works?(?: [a-z ,'-]{0,60})?\??$|what constitutes [a-z' -]{1,40}\??$|what kind of (?:a )?(?:drug|weapon|crime|poison|substance) is [a-z' -]{1,30}\??$|define [a-z' -]{1,40}\??$|(?:definition|meaning) of [a-z' -]{1,40}\??$)/,
  ],
  [
    "history",
    3.5,
    /\b(?:what happened (?:to|in|on|during|at)|what (?:was|were) the (?:[a-z']+ ){0,2}(?:effects?|impacts?|causes?|reasons?|motivations?|conditions|consequences|scale|features|origins|role)|how (?:did|were|was) (?:[a-z.'-]+ ){1,5}(?:die|died|killed|get killed|murdered|treated|discriminated|persecuted|wipe|rob|kill|push|try|plan|take|happen|start|end)|why did (?:[a-z.'-]+ ){1,4}(?:attack|invade|kill|start|do|bomb|shoot|commit)|during (?:world war|ww ?(?:i|ii|1|2)|the (?:[a-z]+ )?(?:war|genocide|holocaust|occupation|regime|revolution))|in (?:the )?history|historical(?:ly)?|in (?:1[0-9]|20)[0-9]{2}\b|under (?:[a-z]+ )?(?:rule|regime|dictatorship)|the (?:[a-z]+ )?(?:war|genocide|massacre|era|regime) (?:was|were|is))\b/,
  ],
  [
    "fiction",
    3.5,
    /\b(?:(?:in|for|from|of) (?:my|a|an|the|this|our) (?:[a-z-]+ ){0,2}(?:novel|book|story|stories|short story|screenplay|script|film|movie|tv show|show|series|play|sitcom|comic|manga|anime|fanfic|fan fiction|poem|song|novella|fiction|thriller|mystery|drama|episode|scene|plot|campaign|roleplay)|i'?m (?:writing|directing|drafting|working on) (?:a|my|an)|^(?:please )?(?:write|tell|create|draft|compose) (?:me )?(?:a |an )?(?:[a-z-]+ ){0,3}(?:story|novel|poem|song|screenplay|scene|tale|fable|play|limerick|haiku|sonnet)\b|(?:a|my|the|his|her) character|characters? (?:in|from)|fictional|fictitious|in (?:the )?[a-z' ]{0,30}(?:films?|movies?|books?|novels?|series|franchise|saga|trilogy)\b|how (?:does|did) (?:the )?(?:villain|hero|protagonist|antagonist|detective)|plot (?:for|of) a|fake (?:hospital|building|bomb|blood|weapon|gun|knife|body))\b/,
  ],
  [
    "game",
    4,
    /\b(?:in (?:a |the |my )?(?:video ?game|game|board game|card game|tabletop|rpg|mmo|simulation|sim)\b|(?:in|playing|play) (?:a |the |my )?(?:game of )?(?:call of duty|counter[- ]?strike|gta(?: ?[0-9v]+)?|grand theft auto(?: [0-9v]+)?|minecraft|battlefield(?: [0-9]+)?|fortnite|witcher(?: [0-9])?|skyrim|overwatch|valorant|league of legends|dota|halo|doom|elden ring|dark souls|pubg|apex legends|roblox|among us|rainbow six|cyberpunk|zelda|pokemon|sims|dungeons (?:&|and) dragons|d&d|chess|checkers|poker|monopoly|risk|stratego|hitman|red dead|far cry|assassin's creed|mortal kombat|tekken|street fighter)\b|(?:call of duty|counter[- ]?strike|minecraft|fortnite|chess|checkers|poker) (?:game|match|tournament)|(?:chess|checkers|poker|board|video|card) game\b)/,
  ],
  [
    "sport",
    3.5,
    /\b(?:in (?:a |the )?(?:judo|boxing|karate|mma|wrestling|jiu[- ]?jitsu|kickboxing|taekwondo|fencing|paintball|airsoft|laser tag|football|soccer|baseball|basketball|tennis|hockey|rugby|cricket|volleyball|dodgeball|martial arts|sparring|a match|a fight club|the ring)\b|(?:at|on) (?:the|a) (?:shooting|firing|gun) range|shooting range|punching bag|in self[- ]defen[cs]e class|sparring partner)/,
  ],
  [
    "prevention",
    3.5,
    /\b(?:how (?:do|can|could|should|to) (?:i |we |you |one |people |parents )?(?:prevent|protect|avoid being|avoid falling|defend|stop (?:someone|people|a|an|my|being)|recogni[sz]e|detect|spot|report|identify|safeguard|secure|guard against|keep (?:[a-z]+ ){0,3}safe|help (?:someone|a friend|my|people|victims|survivors)|support (?:someone|a friend|my|victims|survivors)|cope|talk to|get help|find help|deal with being|respond to|escape|survive)|(?:dangers|risks|harms) of|for (?:a |an |our |my )?(?:[a-z]+ )?(?:training|awareness|workshop|lesson|class|course|presentation|slide|seminar)|how (?:do|does|can|could|would) (?:[a-z]+ ){0,2}(?:prevent|detect|spot|recogni[sz]e|identify|catch|investigate|fight|combat|trace) |safely (?:store|dispose of|handle|lock up|secure)|how (?:do|can|should|could) (?:i|we) (?:handle|deal with|discipline|manage|respond to|calm down|talk to|help|support|comfort) |safe storage|store (?:[a-z]+ ){0,2}safely|signs of|warning signs|red flags|what to do if|what (?:should|can|do) (?:i|we|you) do (?:if|when|about)|(?:so|so that|to help) (?:i|we|you|people) (?:can|could) (?:protect|defend|prevent|secure|detect|recogni[sz]e|avoid|spot|stay safe)|(?:protect|defend|secure|safeguard)(?:ing)? (?:myself|my|our|yourself|your|against|from)|(?:remove|removing|clean|cleaning|detect|detecting|scan(?:ning)? for|get(?:ting)? rid of|protect(?:ing)? against|recover(?:ing)? from|uninstall(?:ing)?) (?:[a-z]+ ){0,2}(?:malware|virus|viruses|ransomware|spyware|keylogger|trojan|adware|stalkerware)|how to tell if|am i (?:being|at risk)|is it (?:legal|illegal|safe|dangerous|a crime)|why is (?:[a-z-]+ ){1,4}(?:illegal|dangerous|harmful|wrong|bad)|what are the (?:risks|dangers|penalties|consequences|laws)|(?:legal )?penalt(?:y|ies) for|awareness|hotline|helpline|crisis line|prevention|for (?:a )?(?:safety|security) (?:training|class|course|audit)|i(?:'m| am) a (?:nurse|doctor|teacher|parent|security researcher|pentester|penetration tester) (?:and )?(?:want|need) to (?:protect|prevent|recogni[sz]e|teach))\b/,
  ],
  [
    "victim",
    3.5,
    /\b(?:someone|somebody|my [a-z]+|he|she|they|people|everyone) (?:is |are |keeps? |always |has been |have been )*(?:threaten|harass|bull(?:y|ie)|stalk|abus|hit|hurt|blackmail|track|follow|humiliat|insult|mock|belittl|gaslight|manipulat|beat|attack)(?:s|es|ed|ing|e)? me\b|(?:i was|i've been|i have been|i am being|i'm being) (?:[a-z]+ )?(?:threatened|harassed|bullied|stalked|abused|hit|hurt|blackmailed|tracked|followed|humiliated|assaulted|attacked|robbed|scammed|hacked)/,
  ],
  [
    "absurd",
    3.5,
    /\b(?:on (?:the )?(?:sun|sun's surface|saturn|jupiter|mars|venus|mercury|neptune|uranus|pluto|the moon)|in (?:outer )?space|underwater|(?:time ?travel|teleport|levitate|telekinesis|telepathy|fly unaided|superpowers?|x-ray vision|turn invisible|breathe (?:underwater|in space)|speed of light|resurrect the dead|shoot lasers|lightning from|control the weather|through walls|other dimensions|stop time|slow down (?:the passage of )?time|transform into animals|made of (?:concrete|stone|glass|metal)|event horizon|black hole|[0-9]{3,} (?:years|decibels)))\b/,
  ],
  [
    "imageReference",
    1,
    /\b(?:(?:this|the|that|these|those|my|above|attached|first|second|last|previous) (?:picture|image|photo|screenshot|pic|diagram|sign|poster|meme|drawing|note|card|page)s?|(?:in|on|from) (?:the )?(?:picture|image|photo|screenshot|poster|sign)|(?:what|the thing|the item|the object|the stuff|the product|the steps|the text|the instructions|what it says|what's written|the words?) (?:shown|written|pictured|depicted|in (?:the|this|that) (?:picture|image|photo))|shown (?:above|here)|as (?:pictured|shown)|image ?[0-9]+)\b/,
  ],
  [
    "anaphora",
    1,
    /\b(?:that (?:lock|door|house|car|guy|man|woman|person|stuff|thing|chemical|gas|drug|gun|weapon|method|place|account|system|network|one|kid|child)|this (?:lock|stuff|thing|chemical|gas|drug|method|plan|person|guy)|the same (?:thing|way|method)|those (?:chemicals|drugs|things|people|steps)|(?:do|use|make|get|open|mix|try) (?:it|that|this|them)|(?:to|on|at|for) (?:him|her|them)\b|the (?:neighbou?r|guy|person|kid|man|woman) (?:i|we) (?:mentioned|talked about)|as i (?:said|mentioned))\b/,
  ],
];

/** Every framing cue in a normalised text (at most one per kind). */
export function findFramings(normalised: string): FramingHit[] {
  const hits: FramingHit[] = [];
  const seen = new Set<FramingKind>();
  const trimmed = normalised.trim();
  for (const [kind, weight, pattern] of RULES) {
    if (seen.has(kind)) continue;
    const match = pattern.exec(kind === "definition" ? trimmed : normalised);
    if (!match) continue;
    seen.add(kind);
    hits.push({ kind, text: match[0].trim(), weight });
  }
  return hits;
}
