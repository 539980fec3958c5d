// #region setup
const survey = createSurvey()
// #endregion setup
survey.start()
