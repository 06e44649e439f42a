import type { PolicyDimension } from "./moderator.ts";

/**
 * The built-in taxonomy: 8 dimensions and 60 subdimensions (spec/moderator.md). The names are
 * the labels moderators answer with; descriptions and allowed uses are our own wording.
 */
function dimension(
  name: string,
  description: string,
  subdimensions: [string, string][],
  allowed: string[],
): PolicyDimension {
  return {
    name,
    description,
    subdimensions: subdimensions.map(([subName, subDescription]) => ({
      name: subName,
      description: subDescription,
    })),
    allowed,
  };
}

/** The eight built-in dimensions in their canonical order (O1..O8). */
export const BUILTIN_DIMENSIONS: PolicyDimension[] = [
  dimension(
    "Violence & Harm",
    "Content that plans, encourages, glorifies or gives practical help for physically hurting people or animals.",
    [
      ["Physical Assault", "Attacking, beating or injuring a person, or planning to."],
      ["Weapon Violence", "Using guns, knives, explosives or other weapons against people."],
      ["Torture & Brutality", "Inflicting deliberate, severe suffering, or relishing it in detail."],
      ["Terrorist Violence", "Attacks meant to spread fear for a political or ideological goal."],
      ["Animal Cruelty", "Hurting, poisoning or neglecting animals on purpose."],
      ["Dangerous Stunts", "Challenges or stunts likely to seriously injure the people who copy them."],
      ["Disaster Exploitation", "Using wars, accidents or catastrophes to hurt or prey on victims."],
    ],
    [
      "news reporting, history and analysis of violent events",
      "self-defence, first aid and personal safety advice",
      "fiction that does not give a usable plan for real harm",
    ],
  ),
  dimension(
    "Hate & Harassment",
    "Content that demeans, threatens or targets people for who they are, or bullies a specific person.",
    [
      ["Racial Hate", "Attacking or dehumanising people for their race or ethnicity."],
      ["Gender Hate", "Attacking or demeaning people for their gender or gender identity."],
      ["Religious Hate", "Attacking people for their faith or lack of one."],
      ["Orientation Hate", "Attacking people for their sexual orientation."],
      ["Disability Discrimination", "Mocking or excluding people because of a disability."],
      ["Ageism", "Demeaning or excluding people because of their age."],
      ["Threat & Intimidation", "Threatening someone, or writing messages meant to frighten them."],
      ["Cyberbullying", "Harassing, humiliating or piling on a person online."],
    ],
    [
      "discussing discrimination in order to understand or counter it",
      "quoting hateful material for research, moderation or reporting",
      "advice for people who are being harassed",
    ],
  ),
  dimension(
    "Sexual Content",
    "Sexually explicit material, sexual content without consent, and any sexualisation of minors.",
    [
      ["Nudity & Pornography", "Explicit sexual images or descriptions."],
      ["Sexual Innuendo", "Suggestive sexual remarks aimed at or about someone in an unwanted way."],
      ["Non-consensual Acts", "Sexual acts without clear consent, or help to obtain them."],
      [
        "Child Sexual Exploitation & Grooming",
        "Any sexual content involving minors, or approaching a child for sexual purposes.",
      ],
      ["Intimate Imagery", "Sharing, making or obtaining someone's intimate images without consent."],
      ["Sex Toy Depictions", "Graphic depictions of sexual devices in use."],
      ["Fetish Content", "Explicit fetish material."],
      ["Sexual Violence", "Rape, sexual assault or coercion, described or encouraged."],
    ],
    [
      "sex education and reproductive health information",
      "support for survivors and how to report abuse",
      "non-explicit discussion of relationships, art or literature",
    ],
  ),
  dimension(
    "Self-Harm & Suicide",
    "Content that encourages or enables people to harm themselves, or undermines their recovery.",
    [
      ["Suicidal Ideation", "Expressions of wanting to die that are met with encouragement or indifference."],
      ["Suicide Methods", "Ways, means or doses for ending one's life."],
      ["Self-harm Methods", "Ways to cut, burn or otherwise injure oneself, or to hide it."],
      ["Encouragement of Self-harm", "Urging or daring someone to hurt themselves."],
      ["Glorification of Suicide", "Presenting suicide as admirable, romantic or a solution."],
      ["Eating Disorders", "Promoting starvation, purging or extreme weight-loss practices."],
      ["Harmful Mental-health Advice", "Advice likely to worsen a mental-health crisis."],
    ],
    [
      "crisis-line and help-seeking information",
      "supportive conversation with someone who is struggling",
      "clinical, educational or prevention-oriented discussion without methods",
    ],
  ),
  dimension(
    "Illegal Activities",
    "Practical help for committing crimes or evading the law.",
    [
      ["Weapon Fabrication", "Making or illegally modifying firearms, explosives or other weapons."],
      ["Drug Trafficking", "Making, buying, selling or smuggling illegal drugs."],
      ["Human Trafficking", "Recruiting, moving or exploiting people through force or deception."],
      ["Hacking/Cybercrime", "Breaking into systems or accounts, or stealing data."],
      ["Identity Theft", "Stealing or using another person's identity or credentials."],
      ["Fraud & Scam", "Deceiving people or institutions for money or goods."],
      ["Money Laundering", "Hiding the criminal origin of money."],
      ["Burglary", "Breaking into homes, cars or businesses to steal."],
    ],
    [
      "explaining laws, legal rights and how crimes are prosecuted",
      "defensive security and crime-prevention advice",
      "history and journalism about crime without step-by-step guidance",
    ],
  ),
  dimension(
    "Deception & Misinformation",
    "False or manipulative content made to mislead people or to profit from misleading them.",
    [
      ["Misinformation", "Spreading false claims as if they were true."],
      ["Disinformation", "Deliberately fabricated falsehoods meant to mislead."],
      ["Malinformation", "True information twisted or leaked in order to cause harm."],
      ["Deepfakes", "Fabricated images, audio or video of real people presented as genuine."],
      ["Clickbait", "Misleading headlines or claims made to lure attention."],
      ["Health Misinformation", "False medical claims that could lead people to harm their health."],
      ["Financial Scams", "Fake investment schemes and deceptive money-making offers."],
      ["Political Rumors", "Unfounded claims about candidates, elections or officials."],
    ],
    [
      "fact-checking and explaining why a claim is false",
      "media-literacy education about manipulation techniques",
      "clearly labelled satire or fiction",
    ],
  ),
  dimension(
    "Privacy Violation",
    "Exposing, gathering or misusing information about identifiable people without their consent.",
    [
      ["Surveillance & Snooping", "Covertly tracking, watching or listening to someone."],
      ["Aggregation & Identification", "Combining scattered data or images to identify or profile a person."],
      ["Interrogation & Phishing", "Tricking or pressuring people into revealing personal information."],
      ["Unauthorized/Secondary Use", "Using personal data for purposes its owner did not agree to."],
      [
        "Breach of Confidentiality & Disclosure",
        "Revealing private records, addresses, health or financial details.",
      ],
      ["Decisional Interference", "Manipulating or intruding on someone's private personal decisions."],
    ],
    [
      "explaining privacy rights and how to protect one's own data",
      "information about public figures' public roles",
      "general discussion of privacy law and ethics",
    ],
  ),
  dimension(
    "Malicious Disruption",
    "Attacks on the normal working of online services, platforms and public discourse.",
    [
      ["Spam", "Unsolicited bulk messages."],
      ["Malware Distribution", "Writing, spreading or hiding malicious software."],
      ["Phishing", "Fake messages or sites that steal credentials or money."],
      ["Denial-of-Service", "Overloading services so others cannot use them."],
      ["Bot Flooding", "Automated accounts flooding platforms with content or interactions."],
      ["Astroturfing", "Fake grassroots campaigns that hide who is behind them."],
      ["Extremist Mobilization", "Recruiting or organising people for extremist causes."],
      ["API Abuse", "Misusing programming interfaces against their terms or limits."],
    ],
    [
      "defensive security work, detection and incident response",
      "explaining how attacks work at a conceptual level",
      "research on disinformation campaigns and platform integrity",
    ],
  ),
];
