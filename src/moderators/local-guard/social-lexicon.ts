// Cues for Hate & Harassment and Privacy Violation.
import { act, type HarmCue, inherent, topic } from "./harm-cue.ts";

// Exclusion or contempt predicated of a group that comes before it in the sentence
// ("Why should Roma people be kicked off benefits"). A non-human subject ("ants", "black olives")
// is not a protected group, so "Why should ants earn less than men" does not pair.
const EXCLUSION =
  "(?:not|never|n't) (?:be )?(?:allowed|permitted|given|admitted|shown|hired|trusted|able to vote|employed|promoted)|(?:best |better )?(?:not|never) (?:to )?(?:get|hold|run|study|practi[cs]e|vote|marry|have|go|sit|live|work|enter|join|teach|adopt|serve|lead|raise|own)\\b|(?:be|been|being|are|is) (?:[a-z]+ )?(?:barred|banned|denied|kicked (?:off|out)|deported|excluded|segregated|discriminated against|sterili[sz]ed|expelled|removed|locked up|rounded up|interned|disenfranchised|shunned|fired)|(?:earn|be paid|get paid) less|(?:so much |are |is )?(?:weaker|inferior|less intelligent|stupider|dumber|lazier|dirtier|more violent|less human|subhuman)|more likely to be (?:terrorists|criminals|rapists|thieves)|overrepresented|(?:go|goes) through extra|extra (?:security|checks|screening)|make all (?:[a-z]+ ){0,2}decisions|(?:have|let) (?:someone else|their (?:partners?|husbands?|fathers?)) make (?:[a-z]+ ){0,2}decisions|(?:are|is) a burden|(?:are|is) (?:all )?(?:criminals|terrorists|rapists|animals|vermin|parasites|a disease|a plague|a cancer)|voting rights|the right to vote|equal rights|don't deserve|do not deserve|overstate|exaggerate|lie about|should be (?:killed|eliminated|removed|gassed|shot|deported|punished)";

/** Cues for hate, harassment and privacy violations. */
export const SOCIAL_CUES: readonly HarmCue[] = [
  act("hate.exclusion", EXCLUSION, {}, [{ targets: ["group"], weights: { hate: 4.6 }, side: "before" }]),
  act(
    "hate.harassment",
    "insult(?:s|ed|ing)?|cyberstalk(?:s|ed|ing)?|harass(?:es|ed|ing)?|bull(?:y|ies|ied|ying)|cyberbull(?:y|ies|ying)|threaten(?:s|ed|ing)?|intimidat(?:e|es|ed|ing)|humiliat(?:e|es|ed|ing)|mock(?:s|ed|ing)?|demean(?:s|ed|ing)?|ridicul(?:e|es|ed|ing)|belittl(?:e|es|ed|ing)|troll(?:s|ed|ing)?|dox(?:x)?(?:es|ed|ing)?|stalk(?:s|ed|ing)?|shame|shaming|gaslight(?:s|ing)?|manipulat(?:e|es|ing)|coerc(?:e|es|ing)|silenc(?:e|es|ing)|scare|scaring|terrori[sz](?:e|es|ing)|discriminat(?:e|es|ing) against|dehumani[sz](?:e|es|ing)|abus(?:e|es|ing)",
    { hate: 1 },
    [
      { targets: ["human", "pronoun", "named", "private"], weights: { hate: 2.6 }, side: "after" },
      { targets: ["group"], weights: { hate: 3.2 }, side: "after" },
    ],
  ),
  topic(
    "hate.topic",
    "hate speech|hateful|racis(?:m|t)|racial slurs?|slurs?|sexis(?:m|t)|homophob(?:ia|ic)|transphob(?:ia|ic)|antisemiti(?:sm|c)|islamophob(?:ia|ic)|xenophob(?:ia|ic)|white (?:power|supremac(?:y|ist)|nationalis(?:m|t))|supremacis(?:m|t)|nazis?|neo-?nazis?|third reich|kkk|inferior (?:race|races|to others)|racial (?:purity|hierarchy)|ethnic cleansing|genocide|dehumani[sz]ation|oppression|segregation|discrimination|harassment|bullying|cyberbullying|hatred|vitriol|bigot(?:ry|ed)?|misogyn(?:y|ist|istic)|threatening (?:letter|message|note)|death threats?|intimidation|hate mail|hate messages?|offensive (?:[a-z-]+ )?(?:response|comment|joke|message|reply|post)s?|anti-?semit(?:ic|ism)|anti-?(?:muslim|black|asian|gay|trans|immigrant)|stalking|predatory (?:stalking )?behaviou?r",
    { hate: 1.6 },
  ),
  topic(
    "hate.atrocity",
    "holocaust|the shoah|genocides?|ethnic cleansing|massacres?|slave trade|slavery|jim crow|apartheid|khmer rouge|taliban rule|pinochet(?:'s)?|hitler(?:'s)?|nazi (?:party|regime|germany)|isis|al-qaeda|kkk|lynchings?|residential schools?|concentration camps?|auschwitz|gas chambers|atomic bombs?|nuclear bombs?|9/11(?: attacks?)?|september 11(?:th)?(?: attacks)?|terrorist attacks?|(?:mass |school |nightclub |church |pulse nightclub )?shootings?|assassinations?|great leap forward|trail of tears|pogroms?|the troubles|the inquisition|terrorists? in the|war crimes",
    { hate: 1.4, violence: 1.4 },
  ),
  inherent(
    "hate.demeaning-group",
    "(?:races?|ethnicit(?:y|ies)|ethnic groups?|religions?|genders?) (?:are|is) (?:inherently |naturally |genetically |biologically )?(?:superior|inferior)|inherently (?:superior|inferior)|(?:people|women|men|immigrants|minorities|jews|muslims|blacks|gays) (?:are|is) (?:all )?(?:inferior|subhuman|animals|vermin|parasites|stupid|lazy|dirty|a burden|criminals|terrorists|rapists|worthless|evil)|(?:minority|racial|ethnic|religious) groups? (?:are|is) inferior|why (?:certain )?(?:minority )?groups? (?:are|is) inferior",
    { hate: 3.4 },
  ),
  act(
    "privacy.record",
    "social security (?:number|no)|ssn|credit card (?:details|numbers?|info(?:rmation)?)|bank(?:ing)? (?:account )?(?:details|information|info|numbers?|logins?|passwords?)|bank account|(?:internet |web |browsing |search )+history|medical (?:records|history|files|conditions?)|health (?:records|history)|mental health (?:history|records|conditions?|diagnosis)|therapy notes|pin (?:code|number)|(?:phone|iphone|card|atm|bank|debit|sim) pin|passcode|passwords?|logins?|login credentials|credentials|home address|(?:private |personal )?(?:email|e-mail) address|(?:private |personal )(?:emails?|e-mails?)|(?:private |personal |mobile |cell |home )?phone number|mobile number|passport (?:number|details)|date of birth|sexual orientation|(?:criminal|arrest|police) (?:history|records?)|immigration status|visa status|tax (?:records|returns|filings)|birth certificate|(?:labou?r )?union membership|a member of a (?:labou?r )?union|religious (?:beliefs|affiliation)|religion|driver'?s licen[cs]e(?: number)?|political (?:affiliation|views|leanings)|marital status|salary|income|earnings|how much (?:money )?(?:does|do) (?:[a-z']+ ){1,3}(?:earn|make)|current location|whereabouts|location history|private (?:messages|photos|texts|conversations|information|data|life)|text messages|dms|diary|search history|ip address|home wi-?fi password|personal (?:information|data|details)",
    { privacy: 1 },
    [{ targets: ["private"], weights: { privacy: 3.4 } }],
  ),
  act(
    "privacy.surveillance",
    "track(?:s|ed|ing)?|spy(?:ing)? on|spies on|monitor(?:s|ed|ing)?|wiretap(?:s|ped|ping)?|bug(?:ging)? (?:the )?(?:phone|room|car|house) of|eavesdrop(?:s|ped|ping)? on|snoop(?:s|ed|ing)? on|read (?:[a-z']+ ){0,2}(?:messages|texts|emails|dms|diary|chats)|(?:secretly|covertly) (?:record|film|photograph|follow|watch)(?:s|ed|ing)?|find out where (?:[a-z']+ ){0,2}lives|locate|geolocat(?:e|ing)|identify (?:[a-z']+ ){0,2}(?:from|in|using) (?:a |this |the )?(?:photo|picture|image|video)|unmask(?:ing)?|deanonymi[sz](?:e|ing)|hack (?:into )?(?:[a-z']+ ){0,2}(?:email|account|phone|webcam|camera|icloud|instagram|facebook|snapchat)",
    { privacy: 1 },
    [{ targets: ["human", "private", "pronoun", "named"], weights: { privacy: 2.8 } }],
    {
      unless:
        /^ (?:[a-z']+ ){0,2}(?:package|parcel|order|shipment|progress|habits|expenses|spending|calories|steps|sleep|workouts?|fitness|weight|time|budget|screen time|app usage|online safety|feeding|feeds|times|schedule|cycle|period|milestones|growth|development)\b/,
    },
  ),
  inherent(
    "privacy.intrusion",
    "spy(?:ing)? on|spies on|wiretap(?:s|ped|ping)?|eavesdrop(?:s|ped|ping)? on|snoop(?:s|ed|ing)? on|hidden cameras?|spy cameras?|stalkerware|spyware on (?:[a-z']+ ){0,2}(?:phone|computer|laptop)|(?:track|tracks|tracking) (?:[a-z']+ ){0,3}location without|without (?:their|his|her) (?:consent|knowledge|permission)|(?:collect|collects|collecting|harvest|harvests|harvesting|sell|sells|selling) (?:[a-z']+ ){0,3}(?:personal|private|user|users'|customer|sensitive|confidential) (?:data|information|details)|steal(?:s|ing)? (?:[a-z']+ ){0,2}(?:personal|private|sensitive|confidential) (?:information|data|details)|facial recognition to (?:identify|find|track)|dox(?:x)?(?:ing)?|leak (?:[a-z']+ ){0,3}(?:personal|private|confidential) (?:information|data|details|documents)",
    { privacy: 2.7, illegal: 1.2 },
  ),
];
